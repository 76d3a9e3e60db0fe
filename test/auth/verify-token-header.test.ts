/*
 * What must be right before the claims are even read: the Authorization
 * scheme, the JWS header, the key and the signature.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { verifyRequestToken } from '../../src/auth/verify-token.ts';
import {
  assertNotAuthorized,
  encodePart,
  getRequest,
  handSign,
  hmacToken,
  ISSUER,
  MemoryKeys,
  newTestKey,
  tokenWith,
  validParts,
  verifyOptions,
} from './token-fixture.ts';
import type { TestKey } from './token-fixture.ts';

const request = getRequest('/v1/ciBuildRuns/5e1b9f5c');

let keys: MemoryKeys;
let alice: TestKey;
let mallory: TestKey;

before(async () => {
  keys = new MemoryKeys();
  alice = await newTestKey('ADMIN');
  mallory = await newTestKey();
  keys.add(alice.key);
  // Mallory's key is never stored: it stands for any key the server did not issue.
});

function verify(authorization: string | undefined) {
  return verifyRequestToken(authorization, request, verifyOptions(keys));
}

describe('Authorization header', () => {
  test('a valid Bearer token returns the key it was signed with', async () => {
    const principal = await verify(`Bearer ${tokenWith(alice)}`);
    assert.deepEqual(principal, {
      keyId: alice.key.keyId,
      issuerId: ISSUER,
      role: 'ADMIN',
      scoped: false,
    });
  });

  test('the scheme name is case-insensitive', async () => {
    const token = tokenWith(alice);
    assert.equal((await verify(`bearer ${token}`)).keyId, alice.key.keyId);
    assert.equal((await verify(`BEARER ${token}`)).keyId, alice.key.keyId);
  });

  test('a missing header is refused', async () => {
    await assertNotAuthorized(verify(undefined));
    await assertNotAuthorized(verify(''));
  });

  test('an empty Bearer is refused', async () => {
    await assertNotAuthorized(verify('Bearer'));
    await assertNotAuthorized(verify('Bearer '));
  });

  test('other schemes are refused', async () => {
    const token = tokenWith(alice);
    await assertNotAuthorized(verify(`Basic ${Buffer.from('a:b').toString('base64')}`));
    await assertNotAuthorized(verify(`Basic ${token}`), token);
    await assertNotAuthorized(verify(token), token);
    await assertNotAuthorized(verify(`Bearer ${token} ${token}`), token);
  });

  test('a token that is not three base64url JSON parts is refused', async () => {
    const token = tokenWith(alice);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const malformed = [
      'abc',
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.${signature}`,
      `${header}.${payload}.`,
      `${header}..${signature}`,
      `${encodePart('not an object')}.${payload}.${signature}`,
      `${Buffer.from('{"alg":').toString('base64url')}.${payload}.${signature}`,
      `${header}.${Buffer.from('{"exp":').toString('base64url')}.${signature}`,
      `${header}.${encodePart([1, 2])}.${signature}`,
      `${header}.${payload}.${signature}==`,
      `${header}.${payload}.${signature.slice(0, -4)}`,
    ];
    for (const bad of malformed) await assertNotAuthorized(verify(`Bearer ${bad}`), bad);
  });

  test('a failing key store is not mistaken for a bad token', async () => {
    const failing = {
      async findKey(): Promise<undefined> {
        throw new Error('database is down');
      },
    };
    await assert.rejects(
      verifyRequestToken(`Bearer ${tokenWith(alice)}`, request, verifyOptions(failing)),
      /database is down/,
    );
  });
});

describe('JWS header and signature', () => {
  test('an unsigned token (alg none) is refused without reading any key', async () => {
    const { header, payload } = validParts(alice.key);
    const token = `${encodePart({ ...header, alg: 'none' })}.${encodePart(payload)}.`;
    const lookups = keys.lookups;

    await assertNotAuthorized(verify(`Bearer ${token}`), token);
    await assertNotAuthorized(verify(`Bearer ${token}c2lnbmVk`), `${token}c2lnbmVk`);
    assert.equal(keys.lookups, lookups);
  });

  test('HS256 keyed with the public key bytes is refused', async () => {
    const { header, payload } = validParts(alice.key);
    const token = hmacToken({ ...header, alg: 'HS256' }, payload, alice.key.publicKeyPem);
    const lookups = keys.lookups;

    await assertNotAuthorized(verify(`Bearer ${token}`), token);
    assert.equal(keys.lookups, lookups);
  });

  test('RS256 and ES384 are refused', async () => {
    const { header, payload } = validParts(alice.key);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const p384Pem = p384.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    const rs256 = handSign({ ...header, alg: 'RS256' }, payload, rsaPem);
    const es384 = handSign({ ...header, alg: 'ES384' }, payload, p384Pem);
    await assertNotAuthorized(verify(`Bearer ${rs256}`), rs256);
    await assertNotAuthorized(verify(`Bearer ${es384}`), es384);
  });

  test('a header without alg is refused', async () => {
    const token = tokenWith(alice, { header: { alg: undefined } });
    await assertNotAuthorized(verify(`Bearer ${token}`), token);
  });

  test('a raw r‖s signature made by node:crypto (ieee-p1363) is accepted', async () => {
    const { header, payload } = validParts(alice.key);
    const token = handSign(header, payload, alice.privateKeyPem, 'ieee-p1363');
    const signature = Buffer.from(token.split('.')[2]!, 'base64url');
    assert.equal(signature.length, 64);
    assert.equal((await verify(`Bearer ${token}`)).keyId, alice.key.keyId);
  });

  test('a DER-encoded signature from the right key is refused', async () => {
    const { header, payload } = validParts(alice.key);
    const token = handSign(header, payload, alice.privateKeyPem, 'der');
    const signature = Buffer.from(token.split('.')[2]!, 'base64url');
    assert.equal(signature[0], 0x30, 'an ASN.1 SEQUENCE');
    await assertNotAuthorized(verify(`Bearer ${token}`), token);
  });

  test('a token signed by another key is refused', async () => {
    const { header, payload } = validParts(alice.key);
    const token = handSign(header, payload, mallory.privateKeyPem);
    await assertNotAuthorized(verify(`Bearer ${token}`), token);
  });

  test('a changed payload breaks the signature', async () => {
    const token = tokenWith(alice);
    const [header, , signature] = token.split('.');
    const payload = encodePart({ ...validParts(alice.key).payload, exp: 9999999999 });
    const forged = `${header}.${payload}.${signature}`;
    await assertNotAuthorized(verify(`Bearer ${forged}`), forged);
  });

  test('an unknown kid is refused', async () => {
    const token = tokenWith(mallory);
    await assertNotAuthorized(verify(`Bearer ${token}`), token);
  });

  test('a missing or non-string kid is refused', async () => {
    for (const kid of [undefined, '', 42, [alice.key.keyId]]) {
      const token = tokenWith(alice, { header: { kid } });
      await assertNotAuthorized(verify(`Bearer ${token}`), token);
    }
  });

  test('a kid only matching a stored key when case is ignored is refused', async () => {
    const loose = {
      async findKey(keyId: string) {
        return keyId.toUpperCase() === alice.key.keyId ? alice.key : undefined;
      },
    };
    const token = tokenWith(alice, { header: { kid: alice.key.keyId.toLowerCase() } });
    await assertNotAuthorized(
      verifyRequestToken(`Bearer ${token}`, request, verifyOptions(loose)),
      token,
    );
  });

  test('a revoked key is refused', async () => {
    const revoked = await newTestKey();
    const store = new MemoryKeys();
    store.add({ ...revoked.key, revokedAt: '2025-12-31T00:00:00.000Z' });
    const token = tokenWith(revoked);
    await assertNotAuthorized(
      verifyRequestToken(`Bearer ${token}`, request, verifyOptions(store)),
      token,
    );
  });

  test('typ may be left out, must otherwise be JWT', async () => {
    const without = tokenWith(alice, { header: { typ: undefined } });
    assert.equal((await verify(`Bearer ${without}`)).keyId, alice.key.keyId);

    for (const typ of ['JOSE', 'at+jwt', 'application/jwt', '', 7]) {
      const token = tokenWith(alice, { header: { typ } });
      await assertNotAuthorized(verify(`Bearer ${token}`), token);
    }
  });

  test('a critical header extension is refused', async () => {
    const token = tokenWith(alice, { header: { crit: ['exp'], exp: 1 } });
    await assertNotAuthorized(verify(`Bearer ${token}`), token);

    const unencoded = tokenWith(alice, { header: { b64: false, crit: ['b64'] } });
    await assertNotAuthorized(verify(`Bearer ${unencoded}`), unencoded);
  });
});
