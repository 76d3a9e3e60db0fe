/*
 * Scoped tokens: which requests an entry matches, and when a scope lets a
 * token live up to six months instead of 20 minutes.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { verifyRequestToken } from '../../src/auth/verify-token.ts';
import {
  assertNotAuthorized,
  getRequest,
  MemoryKeys,
  newTestKey,
  NOW,
  tokenWith,
  verifyOptions,
} from './token-fixture.ts';
import type { TestKey } from './token-fixture.ts';

const DAY = 24 * 3600;
const SIX_MONTHS = 183 * DAY;
const RUN = '5e1b9f5c-3f0e-4a53-9a5e-6d0c2f1a7b42';

let keys: MemoryKeys;
let alice: TestKey;

before(async () => {
  keys = new MemoryKeys();
  alice = await newTestKey();
  keys.add(alice.key);
});

interface Call {
  method?: string;
  path: string;
  query?: string;
}

function scopedToken(scope: unknown, lifetime: number, iat: number | undefined = NOW): string {
  return tokenWith(alice, { payload: { scope, iat, exp: (iat ?? NOW) + lifetime } });
}

function verifyCall(token: string, call: Call) {
  const request = { ...getRequest(call.path, call.query), method: call.method ?? 'GET' };
  return verifyRequestToken(`Bearer ${token}`, request, verifyOptions(keys));
}

async function allows(token: string, call: Call): Promise<void> {
  const principal = await verifyCall(token, call);
  assert.equal(principal.keyId, alice.key.keyId);
  assert.equal(principal.scoped, true);
}

async function refuses(token: string, call: Call): Promise<void> {
  await assertNotAuthorized(verifyCall(token, call), token);
}

describe('matching requests', () => {
  test('a 20-minute scoped token allows the request it names', async () => {
    const token = scopedToken([`GET /v1/ciBuildRuns/${RUN}`], 1200);
    await allows(token, { path: `/v1/ciBuildRuns/${RUN}` });
  });

  test('any one entry may match', async () => {
    const token = scopedToken(['GET /v1/ciProducts', `GET /v1/ciBuildRuns/${RUN}`], 1200);
    await allows(token, { path: '/v1/ciProducts' });
    await allows(token, { path: `/v1/ciBuildRuns/${RUN}` });
    await refuses(token, { path: '/v1/ciWorkflows' });
  });

  test('the path must be the same', async () => {
    const token = scopedToken([`GET /v1/ciBuildRuns/${RUN}`], 1200);
    await refuses(token, { path: `/v1/ciBuildRuns/${RUN}/actions` });
    await refuses(token, { path: '/v1/ciBuildRuns/other' });
    await refuses(token, { path: `/v1/ciBuildRuns/${RUN}/` });
  });

  test('paths match once decoded, as the router reads them', async () => {
    const xcode = scopedToken(['GET /v1/ciXcodeVersions/Xcode16C5032a:stable'], 1200);
    await allows(xcode, { path: '/v1/ciXcodeVersions/Xcode16C5032a%3Astable' });
    await allows(xcode, { path: '/v1/ciXcodeVersions/Xcode16C5032a%3astable' });
    await refuses(xcode, { path: '/v1/ciXcodeVersions/Xcode16C5032a%3Abeta' });

    const encoded = scopedToken(['GET /v1/ciXcodeVersions/Xcode16C5032a%3Astable'], 1200);
    await allows(encoded, { path: '/v1/ciXcodeVersions/Xcode16C5032a:stable' });

    // An encoded slash stays inside its segment: it is not a path separator.
    const run = scopedToken([`GET /v1/ciBuildRuns/${RUN}/actions`], 1200);
    await refuses(run, { path: `/v1/ciBuildRuns/${RUN}%2Factions` });
  });

  test('a malformed percent-encoding matches nothing and throws no other error', async () => {
    const xcode = scopedToken(['GET /v1/ciXcodeVersions/Xcode16C5032a:stable'], 1200);
    await refuses(xcode, { path: '/v1/ciXcodeVersions/Xcode16C5032a%3' });
    await refuses(xcode, { path: '/v1/ciXcodeVersions/%E0%A4%A' });
    await refuses(scopedToken(['GET /v1/ciXcodeVersions/%ZZ'], 1200), {
      path: '/v1/ciXcodeVersions/%ZZ',
    });
  });

  test('query parameters match in any order, ignoring limit, cursor and sort', async () => {
    const entry = 'GET /v1/ciProducts/p1/buildRuns?filter[builds]=b1&fields[ciBuildRuns]=number';
    const token = scopedToken([entry], 1200);
    const path = '/v1/ciProducts/p1/buildRuns';

    await allows(token, { path, query: 'fields[ciBuildRuns]=number&filter[builds]=b1' });
    await allows(token, {
      path,
      query: 'limit=5&filter%5Bbuilds%5D=b1&cursor=abc&fields%5BciBuildRuns%5D=number&sort=-number',
    });
  });

  test('limit, cursor and sort in the entry are ignored too', async () => {
    const token = scopedToken(['GET /v1/ciWorkflows/wf/buildRuns?sort=-number&limit=200'], 1200);
    await allows(token, { path: '/v1/ciWorkflows/wf/buildRuns' });
    await allows(token, { path: '/v1/ciWorkflows/wf/buildRuns', query: 'limit=10' });
  });

  test('other query parameters must be equal on both sides', async () => {
    const token = scopedToken(['GET /v1/ciProducts?filter[productType]=APP'], 1200);
    const path = '/v1/ciProducts';

    await refuses(token, { path });
    await refuses(token, { path, query: 'filter[productType]=FRAMEWORK' });
    await refuses(token, { path, query: 'filter[productType]=APP&include=app' });
    await refuses(token, { path, query: 'filter[productType]=APP&filter[productType]=APP' });
    await refuses(scopedToken(['GET /v1/ciProducts'], 1200), { path, query: 'include=app' });
  });

  test('a scoped token never allows POST, PATCH or DELETE', async () => {
    const token = scopedToken(['GET /v1/ciBuildRuns', 'GET /v1/ciWorkflows/wf'], 1200);
    await refuses(token, { method: 'POST', path: '/v1/ciBuildRuns' });
    await refuses(token, { method: 'PATCH', path: '/v1/ciWorkflows/wf' });
    await refuses(token, { method: 'DELETE', path: '/v1/ciWorkflows/wf' });

    const writes = scopedToken(['POST /v1/ciBuildRuns', 'DELETE /v1/ciWorkflows/wf'], 1200);
    await refuses(writes, { method: 'POST', path: '/v1/ciBuildRuns' });
    await refuses(writes, { method: 'DELETE', path: '/v1/ciWorkflows/wf' });
  });

  test('a scope that is not an array of well-formed entries is refused', async () => {
    const malformed: unknown[] = [
      'GET /v1/ciProducts',
      [],
      [42],
      ['GET /v1/ciProducts', null],
      {},
      null,
      ['GET'],
      ['GET /v1/ciProducts extra'],
      ['get /v1/ciProducts'],
      ['GET v1/ciProducts'],
      ['GET  /v1/ciProducts'],
      ['GET https://api.appstoreconnect.apple.com/v1/ciProducts'],
    ];
    for (const scope of malformed) {
      await refuses(scopedToken(scope, 1200), { path: '/v1/ciProducts' });
    }
  });
});

describe('long-lived tokens', () => {
  test('a GET-only scope on long-lived resources may live six months', async () => {
    const entry = `GET /v1/ciBuildRuns/${RUN}/actions?fields[ciBuildActions]=name`;
    const token = scopedToken([entry], 180 * DAY);
    const path = `/v1/ciBuildRuns/${RUN}/actions`;

    await allows(token, { path, query: 'fields[ciBuildActions]=name&limit=50' });
    await refuses(token, { path: `/v1/ciBuildRuns/${RUN}` });
    await refuses(token, { path, query: 'fields[ciBuildActions]=name,actionType' });
    await refuses(token, { path });
    await refuses(token, { method: 'POST', path, query: 'fields[ciBuildActions]=name' });
  });

  test('six months means at most 183 days', async () => {
    const scope = ['GET /v1/ciProducts'];
    await allows(scopedToken(scope, SIX_MONTHS), { path: '/v1/ciProducts' });
    await refuses(scopedToken(scope, SIX_MONTHS + 1), { path: '/v1/ciProducts' });
  });

  test('without iat a long-lived token is measured from now', async () => {
    const scope = ['GET /v1/ciProducts'];
    await allows(scopedToken(scope, 90 * DAY, undefined), { path: '/v1/ciProducts' });
    await refuses(scopedToken(scope, 200 * DAY, undefined), { path: '/v1/ciProducts' });
  });

  test('every long-lived resource qualifies', async () => {
    const paths = [
      '/v1/ciArtifacts/a',
      '/v1/ciBuildActions/a/issues',
      '/v1/ciBuildRuns/r/builds',
      '/v1/ciIssues/i',
      '/v1/ciMacOsVersions',
      '/v1/ciProducts/p/app',
      '/v1/ciTestResults/t',
      '/v1/ciWorkflows/w/relationships/buildRuns',
      '/v1/ciXcodeVersions/x/macOsVersions',
      '/v1/scmGitReferences/g',
      '/v1/scmProviders/p/repositories',
      '/v1/scmPullRequests/p',
      '/v1/scmRepositories/r/gitReferences',
      '/v1/apps/123/ciProduct',
      '/v1/apps/123/relationships/ciProduct',
    ];
    for (const path of paths) await allows(scopedToken([`GET ${path}`], 30 * DAY), { path });
  });

  test('a scope naming any other resource keeps the 20-minute limit', async () => {
    const scope = [`GET /v1/ciBuildRuns/${RUN}`, 'GET /v1/apps'];
    const path = `/v1/ciBuildRuns/${RUN}`;

    await refuses(scopedToken(scope, 30 * DAY), { path });
    await refuses(scopedToken(scope, 1201), { path });
    await allows(scopedToken(scope, 1200), { path });

    const others = ['/v1/apps/123', '/v1/builds/b', '/v1/apps/123/builds', '/v2/ciBuildRuns'];
    for (const other of others) {
      await refuses(scopedToken([`GET ${other}`], 30 * DAY), { path: other });
    }
  });

  test('a scope with a write entry keeps the 20-minute limit', async () => {
    const scope = ['GET /v1/ciProducts', 'POST /v1/ciBuildRuns'];
    await refuses(scopedToken(scope, 30 * DAY), { path: '/v1/ciProducts' });
    await allows(scopedToken(scope, 1200), { path: '/v1/ciProducts' });
  });
});
