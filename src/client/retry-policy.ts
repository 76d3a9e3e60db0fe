/** When and how long the client waits before trying a request again. */

/**
 * Bounds on retrying. Only network failures and `429` are retried: other
 * error statuses would answer the same again.
 *
 * @example
 * new AscClient({ ...config, retry: { retries: 5, baseDelayMs: 250, maxDelayMs: 10_000 } });
 */
export interface RetryConfig {
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  /** First backoff delay; it doubles each attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest single wait, including a server's `Retry-After`. Default 30 s. */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryPolicy(config: RetryConfig = {}): RetryPolicy {
  const policy = {
    retries: config.retries ?? 3,
    baseDelayMs: config.baseDelayMs ?? 500,
    maxDelayMs: config.maxDelayMs ?? 30_000,
  };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`retry.${name} must be a number ≥ 0; got ${value}`);
    }
  }
  return policy;
}

/** Exponential backoff with "full jitter": a random wait up to the doubled ceiling. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * How long a 429 asks us to wait, in ms, from `Retry-After` (seconds or an
 * HTTP date). Apple documents no `Retry-After` for this API ("Identifying rate limits"), so this is
 * often null and the caller falls back to backoff.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * The hourly budget from `X-Rate-Limit: user-hour-lim:3600;user-hour-rem:0;`
 * (Apple's "Identifying rate limits"), or null when the header is missing or unreadable.
 */
export function rateLimit(headers: Headers): { limit: number; remaining: number } | null {
  const value = headers.get('x-rate-limit');
  const limit = value?.match(/user-hour-lim:(\d+)/)?.[1];
  const remaining = value?.match(/user-hour-rem:(\d+)/)?.[1];
  if (limit === undefined || remaining === undefined) return null;
  return { limit: Number(limit), remaining: Number(remaining) };
}
