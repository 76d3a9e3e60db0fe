import { notAuthorized } from '../errors.ts';

/** The parts of a request a scope entry is compared with. */
export interface ScopedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

/** A token's `scope` claim, checked and ready to match requests against. */
export interface TokenScope {
  /**
   * True when every entry is a GET on a long-lived resource: only such a
   * token may live longer than 20 minutes.
   */
  readonly longLived: boolean;
  /** True when some entry names exactly this request. */
  allows(request: ScopedRequest): boolean;
}

interface ScopeEntry {
  method: string;
  path: string;
  query: string;
}

/*
 * An entry is "<METHOD> <path>[?<query>]" with the version prefix in the path,
 * e.g. "GET /v1/ciWorkflows/1234" or "GET /v1/apps?filter[platform]=IOS".
 */
const ENTRY = /^([A-Z]+) (\/[^\s?#]*)(?:\?([^\s#]*))?$/;

/*
 * Apple: when matching a scope, `limit`, `cursor` and `sort` are ignored, so
 * one token can page and reorder the listing it was made for.
 */
const IGNORED_PARAMETERS = new Set(['limit', 'cursor', 'sort']);

/*
 * The resources Apple lets a GET-only scoped token live up to six months for:
 * Build Actions, Build Runs, Git References, Issues, macOS Versions, Products,
 * Providers, Pull Requests, Repositories, Test Results, Workflows and Xcode
 * Versions. Artifacts is missing from Apple's token article but its collection
 * page carries the same six-month note, so it is here too. Power and
 * Performance Metrics are on Apple's list but not served by Stratus.
 */
const LONG_LIVED_RESOURCES = new Set([
  'ciArtifacts',
  'ciBuildActions',
  'ciBuildRuns',
  'ciIssues',
  'ciMacOsVersions',
  'ciProducts',
  'ciTestResults',
  'ciWorkflows',
  'ciXcodeVersions',
  'scmGitReferences',
  'scmProviders',
  'scmPullRequests',
  'scmRepositories',
]);

/* Apple files "Read the Xcode Cloud product for an app" under Products. */
const APP_PRODUCT_PATH = /^\/v1\/apps\/[^/]+\/(?:relationships\/)?ciProduct$/;

/**
 * Checks a token's `scope` claim. Apple defines it as an array of strings,
 * each a method and a path; anything else makes the whole token invalid.
 *
 * @example
 * const scope = parseTokenScope(['GET /v1/ciBuildRuns/5e1b9f5c']);
 * scope.allows({ method: 'GET', path: '/v1/ciBuildRuns/5e1b9f5c', query }); // true
 */
export function parseTokenScope(claim: unknown): TokenScope {
  // An empty scope could match no request, so it is refused up front.
  if (!Array.isArray(claim) || claim.length === 0) throw notAuthorized();

  const entries = claim.map(parseEntry);
  const longLived = entries.every((entry) => entry.method === 'GET' && isLongLivedPath(entry.path));

  return {
    longLived,
    allows(request) {
      // Apple describes scope entries for GET only: a scoped token can never
      // create, change or delete anything, whatever its entries say.
      if (request.method.toUpperCase() !== 'GET') return false;

      const path = canonicalPath(request.path);
      if (path === null) return false;
      const query = canonicalQuery(request.query);
      return entries.some(
        (entry) => entry.method === 'GET' && entry.path === path && entry.query === query,
      );
    },
  };
}

function parseEntry(value: unknown): ScopeEntry {
  if (typeof value !== 'string') throw notAuthorized();

  const match = ENTRY.exec(value);
  if (match === null) throw notAuthorized();

  const [, method, raw, query = ''] = match;
  const path = canonicalPath(raw!);
  if (path === null) throw notAuthorized();
  return { method: method!, path, query: canonicalQuery(new URLSearchParams(query)) };
}

/*
 * The router decodes each path segment, so `Xcode16C5032a:stable` and
 * `Xcode16C5032a%3Astable` name one resource; a scope must match both. Each
 * segment is decoded and encoded again (an encoded `/` stays inside its
 * segment). A malformed escape such as `%E0%A4` gives null: it matches nothing.
 */
function canonicalPath(path: string): string | null {
  try {
    return path
      .split('/')
      .map((segment) => encodeURIComponent(decodeURIComponent(segment)))
      .join('/');
  } catch {
    return null;
  }
}

/*
 * Apple: parameter order does not matter. Sorting the decoded pairs (and
 * re-encoding them) gives one string per set of parameters, repeats included.
 */
function canonicalQuery(params: URLSearchParams): string {
  const pairs: string[] = [];
  for (const [name, value] of params) {
    if (IGNORED_PARAMETERS.has(name)) continue;
    pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return pairs.sort().join('&');
}

function isLongLivedPath(path: string): boolean {
  const [, version, resource] = path.split('/');
  if (version !== 'v1' || resource === undefined) return false;
  return LONG_LIVED_RESOURCES.has(resource) || APP_PRODUCT_PATH.test(path);
}
