/**
 * Keeps the queue honest from the server's side (and from every runner on
 * the store): reaps runs whose lease lapsed, and says, once per run, when a
 * run waits for a runner with xcodebuild that no live runner offers.
 */
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import { reapLapsed } from './reap-lapsed.ts';

export interface QueueKeeperConfig {
  intervalMs: number;
  /** A runner not seen for this long no longer counts as live. */
  liveMs: number;
}

export const WAITING_FOR_XCODE =
  'run waits for a runner with xcodebuild; no live runner offers it ' +
  '(start `stratus runner` on a Mac with Xcode, or give every action a command)';

export class QueueKeeper {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #config: Readonly<QueueKeeperConfig>;
  readonly #announced = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<void> = Promise.resolve();

  constructor(store: Store, log: Logger, config: QueueKeeperConfig) {
    this.#store = store;
    this.#log = log;
    this.#config = Object.freeze({ ...config });
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#pass = this.#pass.then(() => this.tick());
    }, this.#config.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#pass;
  }

  /** One pass: reap, then announce runs that wait for Xcode. Never rejects. */
  async tick(): Promise<void> {
    try {
      await reapLapsed(this.#store, this.#log);
      await this.#announceWaiting();
    } catch (err) {
      this.#log.error({ err }, 'queue upkeep failed; retrying');
    }
  }

  async #announceWaiting(): Promise<void> {
    const waiting = await this.#store.runs.waitingForXcode(100);
    if (waiting.length === 0) {
      this.#announced.clear();
      return;
    }
    const live = await this.#store.runners.live(new Date(Date.now() - this.#config.liveMs));
    if (live.some((r) => r.has_xcode === 1)) return;
    const ids = new Set(waiting.map((r) => r.id));
    for (const id of this.#announced) if (!ids.has(id)) this.#announced.delete(id);
    for (const run of waiting) {
      if (this.#announced.has(run.id)) continue;
      this.#announced.add(run.id);
      this.#log.warn({ buildRunId: run.id, number: run.number }, WAITING_FOR_XCODE);
    }
  }
}
