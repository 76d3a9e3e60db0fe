/*
 * The claims App Store Connect checks: audience, issuer and the time rules.
 * The clock is frozen at NOW; the default skew is 60 seconds.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { verifyRequestToken } from '../../src/auth/verify-token.ts';
import {
  assertNotAuthorized,
  AUDIENCE,
  getRequest,
  MemoryKeys,
  newTestKey,
  NOW,
  tokenWith,
  verifyOptions,
} from './token-fixture.ts';
import type { TestKey } from './token-fixture.ts';

const request = getRequest('/v1/ciWorkflows/wf-1');

let keys: MemoryKeys;
let alice: TestKey;

before(async () => {
  keys = new MemoryKeys();
  alice = await newTestKey();
  keys.add(alice.key);
});

function verifyClaims(payload: Record<string, unknown>, skewSeconds?: number) {
  const token = tokenWith(alice, { payload });
  const options = { ...verifyOptions(keys), skewSeconds };
  return { token, result: verifyRequestToken(`Bearer ${token}`, request, options) };
}

async function accepts(payload: Record<string, unknown>, skewSeconds?: number): Promise<void> {
  const principal = await verifyClaims(payload, skewSeconds).result;
  assert.equal(principal.keyId, alice.key.keyId);
}

async function refuses(payload: Record<string, unknown>, skewSeconds?: number): Promise<void> {
  const { token, result } = verifyClaims(payload, skewSeconds);
  await assertNotAuthorized(result, token);
}

describe('audience and issuer', () => {
  test('aud may be the string or an array holding it', async () => {
    await accepts({ aud: AUDIENCE });
    await accepts({ aud: ['other', AUDIENCE] });
  });

  test('a wrong audience is refused', async () => {
    for (const aud of ['appstoreconnect-v2', 'APPSTORECONNECT-V1', '', ['other'], 1]) {
      await refuses({ aud });
    }
  });

  test('a missing audience is refused', async () => {
    await refuses({ aud: undefined });
  });

  test('a wrong issuer is refused', async () => {
    await refuses({ iss: '00000000-0000-0000-0000-000000000000' });
    await refuses({ iss: alice.key.issuerId.toUpperCase() });
    await refuses({ iss: [alice.key.issuerId] });
  });

  test('an individual-key token (sub "user", no iss) is refused', async () => {
    await refuses({ iss: undefined, sub: 'user' });
  });
});

describe('expiry', () => {
  test('a missing exp is refused', async () => {
    await refuses({ exp: undefined });
  });

  test('a non-numeric exp is refused', async () => {
    for (const exp of [String(NOW + 600), null, true, [NOW + 600]]) await refuses({ exp });
  });

  test('an expired token is refused', async () => {
    await refuses({ iat: NOW - 1261, exp: NOW - 61 });
    await refuses({ iat: NOW - 7200, exp: NOW - 3600 });
  });

  test('a token expired by less than the skew is accepted', async () => {
    await accepts({ iat: NOW - 1230, exp: NOW - 30 });
    await accepts({ iat: NOW - 1259, exp: NOW - 59 });
  });

  test('a token expired by exactly the skew is refused', async () => {
    await refuses({ iat: NOW - 1260, exp: NOW - 60 });
  });

  test('the skew can be set, down to none', async () => {
    await refuses({ iat: NOW - 1230, exp: NOW - 30 }, 0);
    await accepts({ iat: NOW - 1230, exp: NOW - 30 }, 120);
  });

  test('a token that expires before it was issued is refused', async () => {
    await refuses({ iat: NOW, exp: NOW });
    await refuses({ iat: NOW + 10, exp: NOW + 5 });
  });
});

describe('issued-at and not-before', () => {
  test('an iat in the future beyond the skew is refused', async () => {
    await refuses({ iat: NOW + 61, exp: NOW + 600 });
    await refuses({ iat: NOW + 3600, exp: NOW + 4000 });
  });

  test('an iat in the future within the skew is accepted', async () => {
    await accepts({ iat: NOW + 60, exp: NOW + 600 });
  });

  test('a non-numeric iat is refused', async () => {
    await refuses({ iat: String(NOW) });
    await refuses({ iat: null });
  });

  test('nbf must not be later than now plus the skew', async () => {
    await accepts({ nbf: NOW - 10 });
    await accepts({ nbf: NOW + 60 });
    await refuses({ nbf: NOW + 61 });
    await refuses({ nbf: String(NOW) });
  });
});

describe('lifetime', () => {
  test('exactly 20 minutes from iat is accepted', async () => {
    await accepts({ iat: NOW, exp: NOW + 1200 });
    await accepts({ iat: NOW - 600, exp: NOW + 600 });
  });

  test('20 minutes and 1 second from iat is refused', async () => {
    await refuses({ iat: NOW, exp: NOW + 1201 });
    await refuses({ iat: NOW - 600, exp: NOW + 601 });
  });

  test('the skew does not stretch a lifetime measured from iat', async () => {
    await refuses({ iat: NOW - 30, exp: NOW + 1230 });
  });

  test('without iat, exp 19 minutes ahead is accepted', async () => {
    await accepts({ iat: undefined, exp: NOW + 19 * 60 });
  });

  test('without iat, exp 21 minutes ahead is refused', async () => {
    await refuses({ iat: undefined, exp: NOW + 21 * 60 });
  });

  test('without iat, a client clock up to the skew ahead is forgiven', async () => {
    await accepts({ iat: undefined, exp: NOW + 1200 });
    await accepts({ iat: undefined, exp: NOW + 1259 });
    await refuses({ iat: undefined, exp: NOW + 1260 });
  });

  test('a long lifetime needs a scope', async () => {
    await refuses({ iat: NOW, exp: NOW + 24 * 3600 });
  });
});
