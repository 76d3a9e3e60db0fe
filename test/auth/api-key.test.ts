import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { createApiKey, newKeyId } from '../../src/auth/api-key.ts';
import type { KeyRole } from '../../src/auth/api-key.ts';
import { signToken } from '../../src/auth/sign-token.ts';
import { verifyRequestToken } from '../../src/auth/verify-token.ts';
import { getRequest, ISSUER, MemoryKeys, NOW_MS, verifyOptions } from './token-fixture.ts';

test('newKeyId makes 10 characters of A-Z and 0-9, different each time', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const id = newKeyId();
    assert.match(id, /^[A-Z0-9]{10}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 500);
});

test('createApiKey returns a PKCS#8 P-256 private key and stores only the public key', async () => {
  const { privateKeyPem, key } = await createApiKey({
    issuerId: ISSUER,
    name: 'CI bot',
    role: 'APP_MANAGER',
  });

  assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(privateKeyPem, /-----END PRIVATE KEY-----\n?$/);
  const privateKey = createPrivateKey(privateKeyPem);
  assert.equal(privateKey.asymmetricKeyType, 'ec');
  assert.equal(privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

  assert.match(key.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.ok(!key.publicKeyPem.includes('PRIVATE'));
  const fromPrivate = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  assert.equal(key.publicKeyPem, fromPrivate);

  assert.match(key.keyId, /^[A-Z0-9]{10}$/);
  assert.equal(key.issuerId, ISSUER);
  assert.equal(key.name, 'CI bot');
  assert.equal(key.role, 'APP_MANAGER');
  assert.equal(key.revokedAt, null);
  assert.ok(!Number.isNaN(Date.parse(key.createdAt)));
  assert.ok(!('privateKeyPem' in key));
});

test('a token signed with a new key by signToken verifies', async () => {
  const { privateKeyPem, key } = await createApiKey({
    issuerId: ISSUER,
    name: 'CI bot',
    role: 'DEVELOPER',
  });
  const keys = new MemoryKeys();
  keys.add(key);

  const token = await signToken({
    privateKeyPem,
    keyId: key.keyId,
    issuerId: key.issuerId,
    now: () => NOW_MS,
  });
  const principal = await verifyRequestToken(
    `Bearer ${token}`,
    getRequest('/v1/ciProducts'),
    verifyOptions(keys),
  );

  assert.deepEqual(principal, {
    keyId: key.keyId,
    issuerId: ISSUER,
    role: 'DEVELOPER',
    scoped: false,
  });
});

test('createApiKey refuses an unknown role or empty names', async () => {
  await assert.rejects(
    createApiKey({ issuerId: ISSUER, name: 'x', role: 'OWNER' as KeyRole }),
    TypeError,
  );
  await assert.rejects(createApiKey({ issuerId: '', name: 'x', role: 'ADMIN' }), TypeError);
  await assert.rejects(createApiKey({ issuerId: ISSUER, name: '', role: 'ADMIN' }), TypeError);
});
