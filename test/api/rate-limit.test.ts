import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.ts';

describe('the hourly request budget per API key', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ runners: 0, flags: { 'rate-limit': '3' } });
  });
  after(() => h.close());

  test('counts down in X-Rate-Limit, then answers 429 RATE_LIMIT_EXCEEDED', async () => {
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.api.request('GET', '/v1/ciProducts');
      assert.equal(r.status, 200);
      remaining.push(r.headers.get('x-rate-limit'));
    }
    assert.deepEqual(remaining, [
      'user-hour-lim:3;user-hour-rem:2;',
      'user-hour-lim:3;user-hour-rem:1;',
      'user-hour-lim:3;user-hour-rem:0;',
    ]);
    const over = await h.api.request('GET', '/v1/ciProducts');
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('content-type'), 'application/json');
    assert.equal(over.headers.get('x-rate-limit'), 'user-hour-lim:3;user-hour-rem:0;');
    const [error] = over.json.errors;
    assert.equal(error.status, '429');
    assert.equal(error.code, 'RATE_LIMIT_EXCEEDED');
  });

  test('a start refused for the budget creates no run', async () => {
    const r = await h.api.request('POST', '/v1/ciBuildRuns', { data: { type: 'ciBuildRuns' } });
    assert.equal(r.status, 429);
    const runs = await h.stratus.store.runs.listRuns({}, false, { limit: 10, after: null });
    assert.equal(runs.total, 0);
  });
});
