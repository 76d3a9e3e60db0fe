/**
 * Requests the fuzzer found answered wrongly, kept as plain cases so that
 * each stays fixed whatever the fuzzer draws next time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMatches } from './support/contract-validator.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { signToken } from '../../src/auth/sign-token.ts';

describe('requests the fuzzer found answered wrongly', () => {
  let h: Harness;
  let authorization: string;

  before(async () => {
    h = await startHarness({ runners: 0 });
    authorization = `Bearer ${await signToken({ ...h.key, privateKeyPem: h.privateKeyPem })}`;
  });
  after(() => h.close());

  const inject = (method: string, url: string, headers: Record<string, string>, payload?: string) =>
    h.stratus.app.inject({
      method: method as never,
      url,
      headers: { authorization, ...headers },
      payload,
    });

  test('a body with an empty Content-Type is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    // Fastify refuses it before any parser runs; it was answered with a parameter code.
    const r = await inject('POST', '/v1/ciBuildRuns', { 'content-type': '' }, '{}');
    assert.equal(r.statusCode, 415);
    const doc = r.json();
    assertMatches('ErrorResponse', doc, 'empty content type');
    assert.equal(doc.errors[0].code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.match(doc.errors[0].detail, /got '\(none\)'/);
  });

  test('a NUL in an id is 404 and in a query value 400, on PostgreSQL as on SQLite', async () => {
    // PostgreSQL refuses to compare text holding NUL; the store's error was answered 500.
    const missing = await inject('GET', '/v1/ciArtifacts/%00', {});
    assert.equal(missing.statusCode, 404);
    assertMatches('ErrorResponse', missing.json(), 'NUL id');
    assert.equal(missing.json().errors[0].code, 'NOT_FOUND');
    const bad = await inject('GET', '/v1/scmRepositories?filter[id]=a%00b', {});
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].code, 'PARAMETER_ERROR.INVALID');
    assert.deepEqual(bad.json().errors[0].source, { parameter: 'filter[id]' });
  });
});
