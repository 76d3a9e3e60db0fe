import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffDelay,
  rateLimit,
  retryAfterMs,
  retryPolicy,
} from '../../src/client/retry-policy.ts';

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-03-02T09:00:00Z');
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '7' }), now), 7000);
  assert.equal(
    retryAfterMs(new Headers({ 'retry-after': 'Mon, 02 Mar 2026 09:00:30 GMT' }), now),
    30_000,
  );
  assert.equal(retryAfterMs(new Headers(), now), null);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), null);
});

test("X-Rate-Limit is read in Apple's format, trailing semicolon and all", () => {
  const headers = new Headers({ 'x-rate-limit': 'user-hour-lim:3600;user-hour-rem:0;' });
  assert.deepEqual(rateLimit(headers), { limit: 3600, remaining: 0 });
  assert.equal(rateLimit(new Headers()), null);
});

test('backoff doubles from the base delay, with jitter, and never passes the maximum', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
  for (let attempt = 1; attempt <= 8; attempt++) {
    const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
    for (let i = 0; i < 20; i++) {
      const delay = backoffDelay(policy, attempt);
      assert.ok(delay >= ceiling / 2 && delay <= ceiling, `${attempt}: ${delay}`);
    }
  }
  assert.throws(() => retryPolicy({ retries: -1 }), /retry.retries must be a number ≥ 0/);
});
