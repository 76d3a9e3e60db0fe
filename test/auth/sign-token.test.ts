import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { signToken } from '../../src/auth/sign-token.ts';
import { verifyRequestToken } from '../../src/auth/verify-token.ts';
import {
  AUDIENCE,
  getRequest,
  ISSUER,
  MemoryKeys,
  newTestKey,
  NOW,
  NOW_MS,
  verifyOptions,
} from './token-fixture.ts';

test('signToken writes the header and claims App Store Connect expects', async () => {
  const { privateKeyPem, key } = await newTestKey();
  const token = await signToken({
    privateKeyPem,
    keyId: key.keyId,
    issuerId: ISSUER,
    now: () => NOW_MS + 999,
  });

  assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: key.keyId, typ: 'JWT' });
  assert.deepEqual(decodeJwt(token), { iss: ISSUER, aud: AUDIENCE, iat: NOW, exp: NOW + 1200 });
});

test('signToken sets the lifetime and scope given and can leave out iat', async () => {
  const { privateKeyPem, key } = await newTestKey();
  const scope = ['GET /v1/ciBuildRuns/abc'];
  const token = await signToken({
    privateKeyPem,
    keyId: key.keyId,
    issuerId: ISSUER,
    lifetimeSeconds: 3600,
    scope,
    omitIat: true,
    now: () => NOW_MS,
  });

  const claims = decodeJwt(token);
  assert.equal(claims.iat, undefined);
  assert.equal(claims.exp, NOW + 3600);
  assert.deepEqual(claims.scope, scope);
});

test('signToken takes a PKCS#8 key made elsewhere, as Apple .p8 files are', async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keys = new MemoryKeys();
  keys.add({
    keyId: '2X9R4HXF34',
    issuerId: ISSUER,
    name: 'imported',
    role: 'ADMIN',
    publicKeyPem,
    createdAt: new Date(NOW_MS).toISOString(),
    revokedAt: null,
  });

  const token = await signToken({
    privateKeyPem,
    keyId: '2X9R4HXF34',
    issuerId: ISSUER,
    now: () => NOW_MS,
  });
  const principal = await verifyRequestToken(
    `Bearer ${token}`,
    getRequest('/v1/ciProducts'),
    verifyOptions(keys),
  );
  assert.equal(principal.role, 'ADMIN');
});

test('signToken refuses a lifetime that is not a positive whole number', async () => {
  const { privateKeyPem, key } = await newTestKey();
  for (const lifetimeSeconds of [0, -5, 1.5, Number.NaN]) {
    await assert.rejects(
      signToken({ privateKeyPem, keyId: key.keyId, issuerId: ISSUER, lifetimeSeconds }),
      TypeError,
    );
  }
});
