/**
 * What answers outside the declared operations: a method the contract does not
 * declare on a path is 405 with Allow, a path it does not declare is 404, and
 * requests Node refuses before routing still get the error document.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { contractOperations, contractPaths } from './support/contract-operations.ts';
import { assertMatches } from './support/contract-validator.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { signToken } from '../../src/auth/sign-token.ts';

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'];

describe('routes outside the contract', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ runners: 0 });
  });
  after(() => h.close());

  test('every undeclared method on a declared path is 405 with Allow', async () => {
    let checked = 0;
    for (const path of contractPaths) {
      const declared = contractOperations.filter((op) => op.path === path).map((op) => op.method);
      const concrete = path.replace('{id}', 'some-id');
      for (const method of METHODS.filter((m) => !declared.includes(m as never))) {
        const r = await h.api.request(method, concrete);
        assert.equal(r.status, 405, `${method} ${path}`);
        assertMatches('ErrorResponse', r.json, `${method} ${path}`);
        assert.equal(r.json.errors[0].code, 'METHOD_NOT_ALLOWED');
        const allow = (r.headers.get('allow') ?? '').split(/,\s*/).sort();
        assert.deepEqual(allow, [...declared].sort(), `Allow of ${path}`);
        checked++;
      }
    }
    assert.ok(checked > contractPaths.length, 'most paths have undeclared methods');
  });

  const unknown = [
    '/v1/bananas',
    '/v1/ciBuildRuns/some-id/bananas',
    '/v1/ciBuildRuns/some-id/relationships/bananas',
    '/v1/ciBuildRuns/some-id/actions/extra',
    '/v2/ciBuildRuns',
    '/v1',
    '/',
  ];
  for (const path of unknown) {
    test(`an undeclared path ${path} is 404 PATH_ERROR`, async () => {
      const r = await h.api.request('GET', path);
      assert.equal(r.status, 404);
      assertMatches('ErrorResponse', r.json, path);
      assert.equal(r.json.errors[0].code, 'PATH_ERROR');
    });
  }

  test('a request line beyond the header limit gets the error document', async () => {
    const token = await signToken({ ...h.key, privateKeyPem: h.privateKeyPem });
    const url = new URL(
      `/v1/ciProducts?fields[ciProducts]=${'name,'.repeat(8000)}name`,
      h.stratus.url,
    );
    const { status, body, type } = await new Promise<{
      status: number;
      body: string;
      type: string;
    }>((resolve, reject) => {
      const req = httpRequest(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: text, type: res.headers['content-type']! }),
        );
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
    assert.equal(type, 'application/json');
    const doc = JSON.parse(body);
    assertMatches('ErrorResponse', doc, 'a 431');
    assert.equal(doc.errors[0].status, '431');
    assert.equal(doc.errors[0].code, 'REQUEST_HEADERS_TOO_LARGE');
  });

  test('OPTIONS on a declared path is 405 with Allow', async () => {
    const r = await h.api.request('OPTIONS', '/v1/ciProducts');
    assert.equal(r.status, 405);
    assertMatches('ErrorResponse', r.json, 'OPTIONS');
    assert.equal(r.headers.get('allow'), 'GET');
  });

  for (const path of ['/v1/ciBuildRuns/', '/v1/ciProducts//workflows']) {
    test(`an empty id in ${path} is 404 PATH_ERROR, not a lookup`, async () => {
      const r = await h.api.request('GET', path);
      assert.equal(r.status, 404);
      assertMatches('ErrorResponse', r.json, path);
      assert.equal(r.json.errors[0].code, 'PATH_ERROR');
    });
  }

  test('an Accept that excludes JSON is 406 in plain text; JSON-admitting ones are served', async () => {
    const token = await signToken({ ...h.key, privateKeyPem: h.privateKeyPem });
    const get = (accept: string) =>
      fetch(`${h.stratus.url}/v1/ciProducts`, {
        headers: { authorization: `Bearer ${token}`, accept },
      });
    for (const accept of ['text/html', 'application/xml', 'application/json;q=0, text/plain']) {
      const r = await get(accept);
      assert.equal(r.status, 406, accept);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(await r.text(), /application\/json/);
    }
    for (const accept of ['application/json', '*/*', 'text/html, application/*;q=0.5', '']) {
      const r = await get(accept);
      assert.equal(r.status, 200, `Accept: ${accept}`);
      await r.arrayBuffer();
    }
  });

  test('a request without a token is 401 with the error document', async () => {
    const r = await fetch(`${h.stratus.url}/v1/ciProducts`);
    assert.equal(r.status, 401);
    const doc = await r.json();
    assertMatches('ErrorResponse', doc, 'a 401');
    assert.equal(doc.errors[0].code, 'NOT_AUTHORIZED');
  });
});
