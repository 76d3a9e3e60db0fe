/*
 * Shared pieces for the auth tests: a frozen clock, an in-memory key store and
 * a hand-rolled JWT signer that can produce tokens no well-behaved library
 * would, so each rejection can be shown.
 */
import assert from 'node:assert/strict';
import { createHmac, sign } from 'node:crypto';
import { createApiKey } from '../../src/auth/api-key.ts';
import type { KeyLookup, KeyRole, StoredApiKey } from '../../src/auth/api-key.ts';
import type { VerifyOptions } from '../../src/auth/verify-token.ts';
import { AscError } from '../../src/errors.ts';

/** 2026-01-01T00:00:00Z, in milliseconds and in Unix seconds. */
export const NOW_MS = Date.UTC(2026, 0, 1);
export const NOW = NOW_MS / 1000;

export const ISSUER = '69a6de7f-1c3e-47e3-e053-5b8c7c11a4d1';
export const AUDIENCE = 'appstoreconnect-v1';

export interface TestKey {
  privateKeyPem: string;
  key: StoredApiKey;
}

/** A key store that also counts lookups, to show when none was needed. */
export class MemoryKeys implements KeyLookup {
  readonly keys = new Map<string, StoredApiKey>();
  lookups = 0;

  add(key: StoredApiKey): void {
    this.keys.set(key.keyId, key);
  }

  async findKey(keyId: string): Promise<StoredApiKey | undefined> {
    this.lookups++;
    return this.keys.get(keyId);
  }
}

export async function newTestKey(role: KeyRole = 'DEVELOPER'): Promise<TestKey> {
  return createApiKey({ issuerId: ISSUER, name: `test ${role}`, role });
}

export function verifyOptions(lookup: KeyLookup): VerifyOptions {
  return { lookup, now: () => NOW_MS };
}

export function getRequest(path: string, query = ''): {
  method: string;
  path: string;
  query: URLSearchParams;
} {
  return { method: 'GET', path, query: new URLSearchParams(query) };
}

/** The header and claims of a valid 20-minute team-key token. */
export function validParts(key: StoredApiKey): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  return {
    header: { alg: 'ES256', kid: key.keyId, typ: 'JWT' },
    payload: { iss: key.issuerId, iat: NOW, exp: NOW + 1200, aud: AUDIENCE },
  };
}

export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Signs header and payload with node:crypto directly. ES256 in JWS is the raw
 * r‖s pair (`ieee-p1363`); `der` gives the ASN.1 form JWS forbids.
 */
export function handSign(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKeyPem: string,
  dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363',
): string {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKeyPem, dsaEncoding });
  return `${input}.${signature.toString('base64url')}`;
}

/** A valid token for `key`, with header and claims changed as given. */
export function tokenWith(
  testKey: TestKey,
  changes: { header?: Record<string, unknown>; payload?: Record<string, unknown> } = {},
): string {
  const parts = validParts(testKey.key);
  return handSign(
    dropUndefined({ ...parts.header, ...changes.header }),
    dropUndefined({ ...parts.payload, ...changes.payload }),
    testKey.privateKeyPem,
  );
}

/** HS256 keyed with the public key's bytes: the classic algorithm mix-up. */
export function hmacToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string,
): string {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  const mac = createHmac('sha256', secret).update(input).digest('base64url');
  return `${input}.${mac}`;
}

/** Asserts the promise fails with the one 401, and that the error never echoes the token. */
export async function assertNotAuthorized(
  promise: Promise<unknown>,
  token?: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AscError, 'expected an AscError');
    assert.equal(error.status, 401);
    assert.equal(error.code, 'NOT_AUTHORIZED');
    if (token !== undefined && token !== '') {
      const shown = JSON.stringify({ message: error.message, entries: error.toEntries() });
      assert.ok(!shown.includes(token), 'the error must not contain the token');
      assert.ok(!String(error.stack).includes(token), 'the stack must not contain the token');
    }
    return true;
  });
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
