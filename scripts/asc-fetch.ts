/**
 * Raw API calls for tests that assert on statuses, headers and exact bodies,
 * including the failures the client would throw for. Tokens come from the
 * client's TokenSource; anything that is not an assertion on the raw exchange
 * should use AscClient instead.
 */
import { TokenSource, type KeyCredentials } from '../src/client/index.ts';

export interface Credentials extends KeyCredentials {
  privateKeyPem: string;
}

export class AscFetch {
  readonly #base: string;
  readonly #tokens: TokenSource;

  constructor(baseUrl: string, credentials: Credentials) {
    this.#base = baseUrl;
    this.#tokens = new TokenSource({
      issuerId: credentials.issuerId,
      keyId: credentials.keyId,
      privateKey: credentials.privateKeyPem,
      lifetimeSeconds: 600,
    });
  }

  async request(method: string, pathOrUrl: string, body?: unknown) {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.#base}${pathOrUrl}`;
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${await this.#tokens.token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text ? JSON.parse(text) : null,
    };
  }

  async get(path: string) {
    const r = await this.request('GET', path);
    if (r.status !== 200)
      throw new Error(`GET ${path} answered ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json;
  }

  /** Every item of a list, following links.next. */
  async all(path: string): Promise<any[]> {
    const items: any[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: any = await this.get(next);
      items.push(...page.data);
      next = page.links?.next;
    }
    return items;
  }
}
