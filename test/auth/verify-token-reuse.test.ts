/*
 * A token whose signature was checked once is remembered, so that the same
 * token on the next request skips the signature check. What must still count
 * on every request: its lifetime against that request's clock, its scope, and
 * the key's revocation.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { verifyRequestToken } from '../../src/auth/verify-token.ts';
import {
  assertNotAuthorized,
  getRequest,
  MemoryKeys,
  newTestKey,
  NOW_MS,
  tokenWith,
  validParts,
} from './token-fixture.ts';
import type { TestKey } from './token-fixture.ts';

let keys: MemoryKeys;
let alice: TestKey;

before(async () => {
  keys = new MemoryKeys();
  alice = await newTestKey();
  keys.add(alice.key);
});

describe('a token verified before', () => {
  const request = getRequest('/v1/ciBuildRuns/run-1');
  const at = (ms: number) => ({ lookup: keys, now: () => ms });

  test('expires on the next request once its exp has passed', async () => {
    const { payload } = validParts(alice.key);
    const token = tokenWith(alice);
    assert.equal(
      (await verifyRequestToken(`Bearer ${token}`, request, at(NOW_MS))).keyId,
      alice.key.keyId,
    );
    const exp = payload.exp as number;
    await assertNotAuthorized(
      verifyRequestToken(`Bearer ${token}`, request, at((exp + 61) * 1000)),
    );
  });

  test('is refused once its key is revoked', async () => {
    const token = tokenWith(alice, { payload: { jti: 'revoked-later' } });
    await verifyRequestToken(`Bearer ${token}`, request, at(NOW_MS));
    keys.add({ ...alice.key, revokedAt: new Date(NOW_MS).toISOString() });
    try {
      await assertNotAuthorized(verifyRequestToken(`Bearer ${token}`, request, at(NOW_MS)));
    } finally {
      keys.add(alice.key);
    }
  });

  test('is checked against the key it was verified with, not a new key under its id', async () => {
    const token = tokenWith(alice, { payload: { jti: 'key-replaced' } });
    await verifyRequestToken(`Bearer ${token}`, request, at(NOW_MS));
    const mallory = await newTestKey();
    keys.add({ ...mallory.key, keyId: alice.key.keyId });
    try {
      await assertNotAuthorized(verifyRequestToken(`Bearer ${token}`, request, at(NOW_MS)));
    } finally {
      keys.add(alice.key);
    }
  });
});
