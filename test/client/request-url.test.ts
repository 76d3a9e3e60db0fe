import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyQuery, expandPath, followLink, resolveUrl } from '../../src/client/request-url.ts';

test('paths keep a base URL prefix and encode ids as single segments', () => {
  const base = new URL('https://ci.example.com/asc/');
  const url = resolveUrl(
    base,
    expandPath('/v1/ciXcodeVersions/{id}', { id: 'Xcode12E507:stable' }),
  );
  assert.equal(url.href, 'https://ci.example.com/asc/v1/ciXcodeVersions/Xcode12E507:stable');
  assert.equal(
    expandPath('/v1/ciBuildRuns/{id}/actions', { id: '../x?y#z' }),
    '/v1/ciBuildRuns/..%2Fx%3Fy%23z/actions',
  );
  assert.throws(() => expandPath('/v1/ciBuildRuns/{id}', {}), /needs a value for \{id\}/);
});

test('query options become the JSON:API parameters, lists comma-joined', () => {
  const url = applyQuery(new URL('http://127.0.0.1/v1/ciProducts'), {
    fields: { ciProducts: ['name', 'productType'] },
    include: ['primaryRepositories'],
    limit: 5,
    limits: { primaryRepositories: 2 },
    filter: { productType: ['APP', 'FRAMEWORK'] },
    sort: '-number',
  });
  assert.deepEqual(
    [...url.searchParams],
    [
      ['fields[ciProducts]', 'name,productType'],
      ['include', 'primaryRepositories'],
      ['limit', '5'],
      ['limit[primaryRepositories]', '2'],
      ['filter[productType]', 'APP,FRAMEWORK'],
      ['sort', '-number'],
    ],
  );
});

test('a next link on another origin is moved onto the base URL, keeping path and query', () => {
  const base = new URL('http://127.0.0.1:8080');
  const same = followLink(base, 'http://127.0.0.1:8080/v1/ciProducts?cursor=abc&limit=1');
  assert.equal(same.href, 'http://127.0.0.1:8080/v1/ciProducts?cursor=abc&limit=1');
  const moved = followLink(base, 'https://stratus.example.com/v1/ciProducts?cursor=abc');
  assert.equal(moved.href, 'http://127.0.0.1:8080/v1/ciProducts?cursor=abc');
});
