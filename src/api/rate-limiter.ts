/**
 * A rolling 60-minute request budget per API key, as App Store Connect keeps
 * one: remaining = limit − requests in the last hour. Kept in memory, so each
 * API process counts its own requests.
 */
const HOUR_MS = 60 * 60 * 1000;

export class RateLimiter {
  readonly limit: number;
  readonly #hits = new Map<string, number[]>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Counts a request; returns what remains, or -1 when the budget was already spent. */
  take(key: string, now = Date.now()): number {
    let hits = this.#hits.get(key);
    if (!hits) this.#hits.set(key, (hits = []));
    let drop = 0;
    while (drop < hits.length && hits[drop]! <= now - HOUR_MS) drop++;
    if (drop > 0) hits.splice(0, drop);
    if (hits.length >= this.limit) return -1;
    hits.push(now);
    return this.limit - hits.length;
  }
}
