/**
 * Signs App Store Connect API tokens. The same function serves Stratus keys
 * and Apple's own `.p8` keys, since both are PKCS#8 P-256 keys.
 */
import { importPKCS8, SignJWT } from 'jose';

const AUDIENCE = 'appstoreconnect-v1';
const DEFAULT_LIFETIME_SECONDS = 1200;

/**
 * Makes a team-key token: header `{alg: 'ES256', kid, typ: 'JWT'}`, payload
 * `{iss, iat, exp, aud: 'appstoreconnect-v1'}` plus `scope` when given.
 *
 * Apple accepts at most 20 minutes (the default) unless every scope entry is a
 * GET on a long-lived resource; this function does not enforce that, so tests
 * can make tokens a server must refuse.
 *
 * @example
 * const token = await signToken({
 *   privateKeyPem: await readFile('AuthKey_7QK2M9XA3B.p8', 'utf8'),
 *   keyId: '7QK2M9XA3B',
 *   issuerId: '69a6de7f-1c3e-47e3-e053-5b8c7c11a4d1',
 * });
 * await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 */
export async function signToken(input: {
  privateKeyPem: string;
  keyId: string;
  issuerId: string;
  lifetimeSeconds?: number;
  scope?: string[];
  now?: () => number;
  omitIat?: boolean;
}): Promise<string> {
  const lifetime = input.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) {
    throw new TypeError('lifetimeSeconds must be a positive integer');
  }
  if (input.scope !== undefined && !input.scope.every((entry) => typeof entry === 'string')) {
    throw new TypeError('scope must be an array of strings');
  }

  const key = await importPKCS8(input.privateKeyPem, 'ES256');
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);

  const payload: Record<string, unknown> = {};
  if (input.scope !== undefined) payload.scope = [...input.scope];

  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: input.keyId, typ: 'JWT' })
    .setIssuer(input.issuerId)
    .setAudience(AUDIENCE)
    .setExpirationTime(nowSeconds + lifetime);
  if (!input.omitIat) jwt.setIssuedAt(nowSeconds);

  return jwt.sign(key);
}
