/** A minimal App Store Connect API caller for the demo and tests: fetch plus a fresh ES256 token. */
import { signToken } from '../src/auth/sign-token.ts';

export interface Credentials {
  issuerId: string;
  keyId: string;
  privateKeyPem: string;
}

export class AscFetch {
  readonly #base: string;
  readonly #credentials: Credentials;

  constructor(baseUrl: string, credentials: Credentials) {
    this.#base = baseUrl;
    this.#credentials = credentials;
  }

  async request(method: string, pathOrUrl: string, body?: unknown) {
    const token = await signToken({ ...this.#credentials, lifetimeSeconds: 600 });
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.#base}${pathOrUrl}`;
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
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
