/**
 * Verifies request tokens the way App Store Connect does: an ES256 JWT signed
 * with an API key, checked for audience, issuer, lifetime and scope. Every
 * failure is the same 401, so a caller never learns which check failed.
 */
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { notAuthorized } from '../errors.ts';
import type { KeyLookup, KeyRole, StoredApiKey } from './api-key.ts';
import { checkTokenTimes } from './check-token-times.ts';
import { parseTokenScope } from './parse-token-scope.ts';
import type { ScopedRequest } from './parse-token-scope.ts';
import { readBearerToken } from './read-bearer-token.ts';

/** Who a verified token speaks for. */
export interface TokenPrincipal {
  keyId: string;
  issuerId: string;
  role: KeyRole;
  /** True when the token carried a `scope`: it may then only read. */
  scoped: boolean;
}

export interface VerifyOptions {
  lookup: KeyLookup;
  /** Milliseconds since the epoch; tests freeze it. Defaults to `Date.now`. */
  now?: () => number;
  /** Clock difference forgiven, in seconds. Defaults to 60. */
  skewSeconds?: number;
}

/*
 * RFC 7519 §7.2 and RFC 7515 §3.1: a JWT here is a JWS in compact form, three
 * base64url parts with the padding left off (RFC 7515 §2).
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const AUDIENCE = 'appstoreconnect-v1';
const DEFAULT_SKEW_SECONDS = 60;
const SHORT_LIFETIME_SECONDS = 20 * 60;
/* Apple's "up to six months", taken as the longest six months (183 days). */
const LONG_LIFETIME_SECONDS = 183 * 24 * 60 * 60;

/**
 * Checks the `Authorization` header of a request and returns the key it was
 * signed with. Throws `notAuthorized()` (401) for any problem with the token;
 * a failing `lookup` is not a token problem and its error is rethrown as is.
 *
 * @example
 * const principal = await verifyRequestToken(
 *   request.headers.authorization,
 *   { method: 'GET', path: '/v1/ciBuildRuns/5e1b9f5c', query: new URLSearchParams() },
 *   { lookup: keyRepository },
 * );
 * principal.role; // 'DEVELOPER'
 */
export async function verifyRequestToken(
  authorization: string | undefined,
  request: ScopedRequest,
  options: VerifyOptions,
): Promise<TokenPrincipal> {
  const { skew, nowMs } = clock(options);
  const token = readBearerToken(authorization);
  // A token whose signature was already checked passed the header checks then too.
  const kid = verifiedTokens.get(token)?.kid ?? checkHeader(readHeader(token));
  const key = await findActiveKey(options.lookup, kid);
  const payload = await verifySignature(token, key, nowMs, skew);
  return checkClaims(payload, key, request, nowMs, skew);
}

/**
 * The same checks, without waiting, for a token whose signature was verified
 * before and whose key the lookup holds in memory (`keptKey`). Returns
 * undefined when that is not so: `verifyRequestToken` must then decide. Throws
 * `notAuthorized()` as it would.
 */
export function verifyKnownToken(
  authorization: string | undefined,
  request: ScopedRequest,
  options: VerifyOptions,
): TokenPrincipal | undefined {
  if (typeof authorization !== 'string' || !options.lookup.keptKey) return undefined;
  const { skew, nowMs } = clock(options);
  const token = readBearerToken(authorization);
  const known = verifiedTokens.get(token);
  if (known === undefined) return undefined;
  const key = options.lookup.keptKey(known.kid);
  // Anything unusual (key unknown, revoked, replaced) takes the full path.
  if (!key || key.keyId !== known.kid || key.revokedAt !== null) return undefined;
  if (key.publicKeyPem !== known.pem) return undefined;
  checkKnownTimes(known.payload, nowMs, skew);
  return checkClaims(known.payload, key, request, nowMs, skew);
}

function clock(options: VerifyOptions): { skew: number; nowMs: number } {
  const skew = options.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  if (!Number.isFinite(skew) || skew < 0) {
    throw new TypeError('skewSeconds must be a non-negative number');
  }
  const nowMs = (options.now ?? Date.now)();
  if (!Number.isFinite(nowMs)) throw new TypeError('now must return milliseconds');
  return { skew, nowMs };
}

/** Everything after the signature: audience, issuer, lifetime and scope. */
function checkClaims(
  payload: JWTPayload,
  key: StoredApiKey,
  request: ScopedRequest,
  nowMs: number,
  skew: number,
): TokenPrincipal {
  // Apple: `aud` is `appstoreconnect-v1`. RFC 7519 §4.1.3 also allows an
  // array, which must then contain it.
  const { aud } = payload;
  if (aud !== AUDIENCE && !(Array.isArray(aud) && aud.includes(AUDIENCE))) {
    throw notAuthorized();
  }

  // Apple: individual-key tokens carry `sub: "user"` and no `iss`. Stratus
  // issues only team keys, so such a token names no key of ours.
  if (payload.iss === undefined) throw notAuthorized();

  // Apple: a team-key token's `iss` is the issuer id the key belongs to.
  if (payload.iss !== key.issuerId) throw notAuthorized();

  const scope = payload.scope === undefined ? undefined : parseTokenScope(payload.scope);

  // Apple: 20 minutes at most, or six months when every scope entry is a GET
  // on a long-lived resource.
  const maxLifetime = scope?.longLived ? LONG_LIFETIME_SECONDS : SHORT_LIFETIME_SECONDS;
  checkTokenTimes(payload, { now: Math.floor(nowMs / 1000), skew, maxLifetime });

  // Apple: a scoped token is rejected for any request none of its entries match.
  if (scope !== undefined && !scope.allows(request)) throw notAuthorized();

  return { keyId: key.keyId, issuerId: key.issuerId, role: key.role, scoped: scope !== undefined };
}

function readHeader(token: string): ProtectedHeaderParameters {
  if (!COMPACT_JWS.test(token)) throw notAuthorized();
  try {
    return decodeProtectedHeader(token);
  } catch {
    // The header is not base64url of a JSON object.
    throw notAuthorized();
  }
}

/** Returns the key id once the header is one App Store Connect would accept. */
function checkHeader(header: ProtectedHeaderParameters): string {
  // Apple: `alg` is ES256, mandatory. This turns away `none`, HMAC tokens
  // keyed with the public key, RSA and other curves before any key is read.
  if (header.alg !== 'ES256') throw notAuthorized();

  // Apple: `typ` is `JWT`. It is optional in RFC 7515 §4.1.9, so only a
  // different value is refused; media types compare case-insensitively.
  const typ: unknown = header.typ;
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
    throw notAuthorized();
  }

  // Apple: `kid` is the id of the key that signed the token.
  if (typeof header.kid !== 'string' || header.kid === '') throw notAuthorized();
  return header.kid;
}

async function findActiveKey(lookup: KeyLookup, kid: string): Promise<StoredApiKey> {
  const key = await lookup.findKey(kid);

  // The id must name a key this server issued; a store that matched loosely
  // (say, ignoring case) must not stand in for another key.
  if (key === undefined || key.keyId !== kid) throw notAuthorized();

  // Apple: a revoked key signs no valid token.
  if (key.revokedAt !== null) throw notAuthorized();
  return key;
}

/*
 * Verifying is the costly part of a request: importing the PEM and checking an ES256
 * signature take far longer than serving a small document. A client sends the same
 * token for many requests, so both results are kept: the imported key per PEM, and the
 * payload of each token whose signature was good. A kept token is still looked up (so
 * revocation counts at once) and its claims and times are checked on every request.
 */
const MAX_REMEMBERED = 10_000;
const importedKeys = new Map<string, Promise<CryptoKey>>();
const verifiedTokens = new Map<string, { kid: string; pem: string; payload: JWTPayload }>();

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

function importKey(pem: string): Promise<CryptoKey> {
  let key = importedKeys.get(pem);
  if (!key) {
    key = importSPKI(pem, 'ES256');
    key.catch(() => importedKeys.delete(pem));
    remember(importedKeys, pem, key);
  }
  return key;
}

/** What jwtVerify checks beyond the signature, against this request's clock. */
function checkKnownTimes(payload: JWTPayload, nowMs: number, skew: number): void {
  const now = nowMs / 1000;
  const { exp, nbf } = payload;
  if (typeof exp === 'number' && exp <= now - skew) throw notAuthorized();
  if (typeof nbf === 'number' && nbf > now + skew) throw notAuthorized();
}

async function verifySignature(
  token: string,
  key: StoredApiKey,
  nowMs: number,
  skew: number,
): Promise<JWTPayload> {
  const known = verifiedTokens.get(token);
  if (known && known.pem === key.publicKeyPem) {
    checkKnownTimes(known.payload, nowMs, skew);
    return known.payload;
  }

  const publicKey = await importKey(key.publicKeyPem);
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      algorithms: ['ES256'],
      currentDate: new Date(nowMs),
      clockTolerance: skew,
    });
    remember(verifiedTokens, token, { kid: key.keyId, pem: key.publicKeyPem, payload });
    return payload;
  } catch {
    throw notAuthorized();
  }
}
