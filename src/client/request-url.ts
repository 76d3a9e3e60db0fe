/**
 * Builds request URLs from a base URL, a path template and query options,
 * with URL and URLSearchParams only: ids are encoded as path segments and
 * never spliced into a string.
 */

/**
 * Query options shared by the contract's GET operations (JSON:API §Fetching).
 * Which names an operation accepts is in the contract; the server answers
 * 400 `PARAMETER_ERROR.ILLEGAL` for any it does not.
 *
 * @example
 * const query: QueryOptions = {
 *   include: ['workflow', 'sourceBranchOrTag'],
 *   fields: { ciWorkflows: ['name'] },
 *   sort: '-number',
 *   limit: 200,
 * };
 */
export interface QueryOptions {
  /** `fields[type]=a,b`: the attributes and relationships to return per type. */
  fields?: Record<string, readonly string[]>;
  /** `include=a,b`: related resources to put in `included`. */
  include?: readonly string[];
  /** `limit`: page size (at most 200 for CI lists). */
  limit?: number;
  /** `limit[rel]`: how many of an included to-many relationship (at most 50). */
  limits?: Record<string, number>;
  /** `filter[name]=a,b`: values are ORed. */
  filter?: Record<string, string | readonly string[]>;
  /** `sort`, e.g. `-number`. */
  sort?: string | readonly string[];
}

/**
 * Encodes one path segment. `:` and `@` stay as they are, as RFC 3986 allows
 * in a segment, so ids such as the Xcode version `Xcode12E507:stable` read the
 * same in the URL; `/`, `?`, `#` and the rest are percent-encoded.
 *
 * @example
 * encodeSegment('Xcode12E507:stable') // 'Xcode12E507:stable'
 * encodeSegment('a/b')                // 'a%2Fb'
 */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/**
 * Fills `{name}` placeholders of a contract path with encoded values.
 *
 * @example
 * expandPath('/v1/ciBuildRuns/{id}/actions', { id: runId })
 */
export function expandPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new TypeError(`the path ${template} needs a value for {${name}}`);
    }
    return encodeSegment(value);
  });
}

/** Appends the query options to `url`'s search parameters. */
export function applyQuery(url: URL, query: QueryOptions = {}): URL {
  const params = url.searchParams;
  const list = (value: string | readonly string[]) =>
    typeof value === 'string' ? value : value.join(',');

  for (const [type, names] of Object.entries(query.fields ?? {})) {
    params.set(`fields[${type}]`, list(names));
  }
  if (query.include?.length) params.set('include', list(query.include));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  for (const [relation, n] of Object.entries(query.limits ?? {})) {
    params.set(`limit[${relation}]`, String(n));
  }
  for (const [name, values] of Object.entries(query.filter ?? {})) {
    params.set(`filter[${name}]`, list(values));
  }
  if (query.sort !== undefined) params.set('sort', list(query.sort));
  return url;
}

/**
 * Joins a path such as `/v1/ciProducts` to the base URL, keeping any path
 * prefix the base has (`https://ci.example.com/asc` + `/v1/...`).
 */
export function resolveUrl(baseUrl: URL, path: string): URL {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * Where to fetch a `links.next` (or any link the server wrote). A link on the
 * base URL's origin is used as is. A link elsewhere — a server whose public
 * URL differs from the address this client uses — is moved onto the base
 * URL, keeping its `/v1/...` path and query, so the bearer token is only
 * ever sent to the configured server.
 */
export function followLink(baseUrl: URL, link: string): URL {
  const url = new URL(link, baseUrl);
  if (url.origin === baseUrl.origin) return url;
  const at = url.pathname.indexOf('/v1/');
  const moved = resolveUrl(baseUrl, at >= 0 ? url.pathname.slice(at) : url.pathname);
  moved.search = url.search;
  return moved;
}
