/**
 * A rolling 60-minute request budget per API key, as App Store Connect keeps
 * one: remaining = limit − requests in the last hour. Requests are counted per
 * minute, so the window slides a minute at a time and a key costs the same
 * memory at ten requests an hour or ten thousand a second. A slot tells only the
 * minute a request came in, not when within it, so a minute leaves the window
 * only once all of it is an hour old: the current minute and the sixty before it
 * are counted, and a request leaves the budget between 60 and 61 minutes after
 * it was counted, never before (a budget spent in a burst cannot be spent again
 * within the hour). Kept in memory, so each API process counts its own requests.
 */
const MINUTE_MS = 60 * 1000;
const SLOTS = 61;

interface Budget {
  /** Requests counted in each slot, and the minute (ms / 60,000) each slot holds. */
  counts: Float64Array;
  minutes: Float64Array;
  /** Sum of `counts` over the slots inside the window. */
  total: number;
  /** The minute of the last request: the window moves only when this changes. */
  minute: number;
}

export class RateLimiter {
  readonly limit: number;
  readonly #budgets = new Map<string, Budget>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Counts a request; returns what remains, or -1 when the budget was already spent. */
  take(key: string, now = Date.now()): number {
    const minute = Math.floor(now / MINUTE_MS);
    let budget = this.#budgets.get(key);
    if (!budget) {
      budget = {
        counts: new Float64Array(SLOTS),
        minutes: new Float64Array(SLOTS).fill(-Infinity),
        total: 0,
        minute: -Infinity,
      };
      this.#budgets.set(key, budget);
    }
    if (budget.minute !== minute) slide(budget, minute);
    if (budget.total >= this.limit) return -1;
    const slot = minute % SLOTS;
    budget.counts[slot]! += 1;
    budget.total += 1;
    return this.limit - budget.total;
  }
}

/** Drops the minutes wholly an hour old or more, and makes `minute` the current one. */
function slide(budget: Budget, minute: number): void {
  for (let slot = 0; slot < SLOTS; slot++) {
    if (budget.minutes[slot]! > minute - SLOTS) continue;
    budget.total -= budget.counts[slot]!;
    budget.counts[slot] = 0;
    budget.minutes[slot] = -Infinity;
  }
  const slot = minute % SLOTS;
  if (budget.minutes[slot] !== minute) {
    budget.total -= budget.counts[slot]!;
    budget.counts[slot] = 0;
    budget.minutes[slot] = minute;
  }
  budget.minute = minute;
}
