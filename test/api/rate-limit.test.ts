import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.ts';
import { RateLimiter } from '../../src/api/rate-limiter.ts';

const MINUTE = 60_000;

describe('the rolling window of the request budget', () => {
  test('a request leaves the budget an hour after it was counted, not before', () => {
    const limiter = new RateLimiter(3);
    const t0 = 1_000 * MINUTE + 30_000;
    assert.equal(limiter.take('k', t0), 2);
    assert.equal(limiter.take('k', t0 + 20 * MINUTE), 1);
    assert.equal(limiter.take('k', t0 + 40 * MINUTE), 0);
    assert.equal(limiter.take('k', t0 + 59 * MINUTE), -1);
    // Half a minute short of an hour, in the minute an hour after the first request's.
    assert.equal(limiter.take('k', t0 + 60 * MINUTE - 30_000), -1);
    // Once all of the first request's minute is an hour old, it has left; the later two have not.
    assert.equal(limiter.take('k', t0 + 61 * MINUTE - 30_000), 0);
    assert.equal(limiter.take('k', t0 + 61 * MINUTE), -1);
  });

  test('a budget spent late in a minute is not spent again within the hour', () => {
    // Requests at the end of one minute, then more at the start of the minute an hour later:
    // a rolling hour holds both, so the second burst must be refused.
    const limiter = new RateLimiter(2);
    const late = 500 * MINUTE + 59_000;
    assert.equal(limiter.take('k', late), 1);
    assert.equal(limiter.take('k', late + 500), 0);
    const anHourLater = 560 * MINUTE;
    assert.ok(anHourLater - late < 60 * MINUTE);
    assert.equal(limiter.take('k', anHourLater), -1);
    assert.equal(limiter.take('k', anHourLater + 30_000), -1);
    assert.equal(limiter.take('k', late + 60 * MINUTE + 1_000), 1);
  });

  test('a key idle for longer than an hour starts with its whole budget', () => {
    const limiter = new RateLimiter(5);
    const t0 = 7 * MINUTE;
    for (let i = 0; i < 5; i++) limiter.take('k', t0 + i * MINUTE);
    assert.equal(limiter.take('k', t0 + 5 * MINUTE), -1);
    // Minutes 61 to 65 later reuse other slots than the ones counted in; none may linger.
    assert.equal(limiter.take('k', t0 + 3 * 60 * MINUTE + 17 * MINUTE), 4);
  });

  test('refused requests are not counted, and keys do not share a budget', () => {
    const limiter = new RateLimiter(1);
    assert.equal(limiter.take('a', 0), 0);
    for (let i = 0; i < 10; i++) assert.equal(limiter.take('a', i * 1000), -1);
    assert.equal(limiter.take('b', 0), 0);
    assert.equal(limiter.take('a', 60 * MINUTE), -1);
    assert.equal(limiter.take('a', 61 * MINUTE), 0);
  });
});

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
