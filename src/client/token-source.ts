/**
 * Mints App Store Connect API tokens from a key and keeps one until shortly
 * before it expires, so a long session (a `--wait` of an hour) never sends a
 * stale token and never signs one per request.
 */
import { readFile } from 'node:fs/promises';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { AuthConfigError } from './asc-client-error.ts';

/**
 * Apple's longest lifetime for a token that is not a GET-only scoped one
 * (Apple's "Generating tokens for API requests").
 *
 * @example
 * new TokenSource({ ...key, lifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS });
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 20 * 60;
/**
 * Apple's longest lifetime for a GET-only scoped token: six months (Apple's "Generating tokens").
 *
 * @example
 * new TokenSource({ ...key, scope: ['GET /v1/ciProducts'], lifetimeSeconds: 90 * 86400 });
 */
export const MAX_SCOPED_TOKEN_LIFETIME_SECONDS = 182 * 24 * 60 * 60;

/**
 * A team API key as App Store Connect hands it out: the issuer id, the key id
 * and the `.p8` private key, given as contents or as a path to read.
 *
 * @example
 * const key: KeyCredentials = {
 *   issuerId: '69a6de7f-1c3e-47e3-e053-5b8c7c11a4d1',
 *   keyId: '7QK2M9XA3B',
 *   privateKeyPath: '/keys/AuthKey_7QK2M9XA3B.p8',
 * };
 */
export interface KeyCredentials {
  issuerId: string;
  keyId: string;
  /** PEM text of the PKCS#8 key (`-----BEGIN PRIVATE KEY-----...`). */
  privateKey?: string;
  /** Path of `AuthKey_<KEYID>.p8`, read on first use. */
  privateKeyPath?: string;
}

/**
 * How tokens are minted: lifetime, scope, and the clock (tests freeze it).
 *
 * @example
 * const config: TokenSourceConfig = { ...key, lifetimeSeconds: 600, refreshBeforeSeconds: 30 };
 */
export interface TokenSourceConfig extends KeyCredentials {
  /** Seconds; at most 1200 unless every `scope` entry is a GET. Default 1200. */
  lifetimeSeconds?: number;
  /** Entries like `GET /v1/ciBuildRuns/ID`; the token is refused for anything else. */
  scope?: string[];
  /** Seconds before expiry at which a fresh token is minted. Default 60. */
  refreshBeforeSeconds?: number;
  now?: () => number;
}

/**
 * Mints ES256 tokens (`aud: appstoreconnect-v1`, raw r‖s signature) and
 * reuses each until `refreshBeforeSeconds` before its `exp`.
 *
 * @example
 * const tokens = new TokenSource({
 *   issuerId: '69a6de7f-1c3e-47e3-e053-5b8c7c11a4d1',
 *   keyId: '7QK2M9XA3B',
 *   privateKeyPath: '/keys/AuthKey_7QK2M9XA3B.p8',
 * });
 * const headers = { authorization: `Bearer ${await tokens.token()}` };
 */
export class TokenSource {
  readonly #config: Readonly<TokenSourceConfig>;
  readonly #lifetime: number;
  #key: Promise<CryptoKey> | undefined;
  #current: { token: string; exp: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(config: TokenSourceConfig) {
    this.#config = Object.freeze({ ...config, scope: config.scope && [...config.scope] });
    this.#lifetime = checkLifetime(config);
    if (!config.issuerId) throw new AuthConfigError('an issuer id is required');
    if (!config.keyId) throw new AuthConfigError('a key id is required');
    if (!config.privateKey && !config.privateKeyPath) {
      throw new AuthConfigError('a private key is required (its contents or the .p8 path)');
    }
  }

  /** A token valid for at least `refreshBeforeSeconds` more, minted only when needed. */
  async token(): Promise<string> {
    const now = this.#nowSeconds();
    const margin = Math.min(this.#config.refreshBeforeSeconds ?? 60, this.#lifetime / 2);
    if (this.#current && this.#current.exp - margin > now) return this.#current.token;
    // Callers racing here share one signing instead of minting one each.
    this.#pending ??= this.#mint(now).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #mint(now: number): Promise<string> {
    const key = await this.#privateKey();
    const exp = now + this.#lifetime;
    const payload = this.#config.scope ? { scope: this.#config.scope } : {};
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: this.#config.keyId, typ: 'JWT' })
      .setIssuer(this.#config.issuerId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setAudience('appstoreconnect-v1')
      .sign(key);
    this.#current = { token, exp };
    return token;
  }

  #privateKey(): Promise<CryptoKey> {
    this.#key ??= this.#loadKey();
    return this.#key;
  }

  async #loadKey(): Promise<CryptoKey> {
    const { privateKey, privateKeyPath } = this.#config;
    let pem = privateKey;
    if (!pem) {
      try {
        pem = await readFile(privateKeyPath!, 'utf8');
      } catch (error) {
        throw new AuthConfigError(
          `cannot read the private key file '${privateKeyPath}': ` +
            `${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          { cause: error },
        );
      }
    }
    try {
      return await importPKCS8(pem.trim(), 'ES256');
    } catch (error) {
      const where = privateKeyPath ? `'${privateKeyPath}'` : 'the private key given';
      throw new AuthConfigError(
        `${where} is not an App Store Connect API key: expected the PKCS#8 P-256 key ` +
          'of an AuthKey_<KEYID>.p8 file, starting with -----BEGIN PRIVATE KEY-----',
        { cause: error },
      );
    }
  }

  #nowSeconds(): number {
    return Math.floor((this.#config.now ?? Date.now)() / 1000);
  }
}

function checkLifetime(config: TokenSourceConfig): number {
  const lifetime = config.lifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) {
    throw new AuthConfigError(`lifetimeSeconds must be a positive integer; got ${lifetime}`);
  }
  // Apple refuses longer tokens unless every scope entry is a GET on a long-lived resource.
  const readOnly = !!config.scope?.length && config.scope.every((s) => s.startsWith('GET '));
  const max = readOnly ? MAX_SCOPED_TOKEN_LIFETIME_SECONDS : MAX_TOKEN_LIFETIME_SECONDS;
  if (lifetime > max) {
    throw new AuthConfigError(
      readOnly
        ? `a scoped read token lives at most ${max} seconds (six months); got ${lifetime}`
        : `a token lives at most ${max} seconds (20 minutes) unless every --scope entry ` +
            `is a GET; got ${lifetime}`,
    );
  }
  return lifetime;
}
