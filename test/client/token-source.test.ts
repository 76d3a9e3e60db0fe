import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthConfigError, TokenSource } from '../../src/client/index.ts';

const issuerId = '69a6de7f-1c3e-47e3-e053-5b8c7c11a4d1';
const keyId = '7QK2M9XA3B';

function newKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Checks a token as App Store Connect would, with node:crypto alone (no jose):
 * the header, the claims, the lifetime and a raw r‖s ES256 signature.
 */
function verifyToken(token: string, privateKeyPem: string) {
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  const [h, p, s] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  const signature = Buffer.from(s, 'base64url');
  assert.equal(signature.length, 64, 'an ES256 JWS signature is r‖s, 64 bytes');
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: createPublicKey(privateKeyPem), dsaEncoding: 'ieee-p1363' },
    signature,
  );
  assert.ok(ok, 'signature verifies');
  return { header, payload };
}

test('tokens carry the header, claims and lifetime App Store Connect requires', async () => {
  const pem = newKey();
  const now = Date.parse('2026-03-02T09:00:00Z');
  const tokens = new TokenSource({ issuerId, keyId, privateKey: pem, now: () => now });
  const { header, payload } = verifyToken(await tokens.token(), pem);
  assert.deepEqual(header, { alg: 'ES256', kid: keyId, typ: 'JWT' });
  assert.deepEqual(payload, {
    iss: issuerId,
    iat: now / 1000,
    exp: now / 1000 + 1200,
    aud: 'appstoreconnect-v1',
  });
});

test('a token is reused until a minute before it expires, then a new one is minted', async () => {
  const pem = newKey();
  let now = Date.parse('2026-03-02T09:00:00Z');
  const tokens = new TokenSource({
    issuerId,
    keyId,
    privateKey: pem,
    lifetimeSeconds: 600,
    now: () => now,
  });
  const first = await tokens.token();
  now += 539_000;
  assert.equal(await tokens.token(), first, 'still 61 s left: same token');
  now += 1_000;
  const second = await tokens.token();
  assert.notEqual(second, first);
  const { payload } = verifyToken(second, pem);
  assert.equal(payload.iat, Date.parse('2026-03-02T09:09:00Z') / 1000);
  assert.equal(payload.exp - payload.iat, 600);
});

test('a key read from a .p8 path signs the same way, and scope is carried', async () => {
  const pem = newKey();
  const file = join(mkdtempSync(join(tmpdir(), 'stratus-key-')), `AuthKey_${keyId}.p8`);
  writeFileSync(file, pem);
  const scope = ['GET /v1/ciProducts', 'GET /v1/ciBuildRuns/abc'];
  const tokens = new TokenSource({
    issuerId,
    keyId,
    privateKeyPath: file,
    scope,
    lifetimeSeconds: 90 * 86400,
  });
  const { payload } = verifyToken(await tokens.token(), pem);
  assert.deepEqual(payload.scope, scope);
  assert.equal(payload.exp - payload.iat, 90 * 86400);
});

test('lifetimes beyond Apple limits are refused before anything is signed', () => {
  const pem = newKey();
  assert.throws(
    () => new TokenSource({ issuerId, keyId, privateKey: pem, lifetimeSeconds: 1201 }),
    (e) => e instanceof AuthConfigError && /at most 1200 seconds/.test(e.message),
  );
  assert.throws(
    () =>
      new TokenSource({
        issuerId,
        keyId,
        privateKey: pem,
        lifetimeSeconds: 3600,
        scope: ['POST /v1/ciBuildRuns'],
      }),
    AuthConfigError,
  );
});

test('a missing or malformed key file is an AuthConfigError naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-key-'));
  const missing = new TokenSource({ issuerId, keyId, privateKeyPath: join(dir, 'none.p8') });
  await assert.rejects(missing.token(), (e: AuthConfigError) => {
    assert.equal(e.code, 'ASC_AUTH_CONFIG');
    assert.match(e.message, /cannot read the private key file .*none\.p8.*ENOENT/);
    return true;
  });
  const bad = join(dir, 'AuthKey_BAD.p8');
  writeFileSync(bad, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
  await assert.rejects(
    new TokenSource({ issuerId, keyId, privateKeyPath: bad }).token(),
    /AuthKey_BAD\.p8' is not an App Store Connect API key/,
  );
});
