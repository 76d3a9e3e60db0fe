/**
 * A runner: slots that each claim a run, hold its lease with a heartbeat
 * while performing it, and claim the next. The same code works inside the
 * server (`stratus serve --runners N`) and as `stratus runner`, on the store
 * or over HTTP; the backend decides which.
 *
 *   idle ──claim──▶ perform (heartbeat every lease/3) ──▶ idle
 *     ▲   │ none                  │ lease lost: abort
 *     └───┘ wait for poll or notify
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { RunnerShutdown } from '../executor/runner-shutdown.ts';
import { performRun, type PerformRunDeps } from './perform-run.ts';
import type { ClaimedRun } from './run-backend.ts';
import { detectOffer, type RunnerOffer } from './runner-offer.ts';

export interface RunnerConfig {
  /** The lease owner this process claims as, unique per process (see leaseOwner). */
  owner: string;
  slots: number;
  leaseMs: number;
  pollMs: number;
  mode: RunnerOffer['mode'];
  /** Shown in the runner list; the host name by default. Runners report as `<mode>-<name>`. */
  name?: string;
  /**
   * Called once when the backend fails in a way retrying cannot mend (an
   * error with `fatal: true`, e.g. a revoked token); the slots stop claiming.
   */
  onFatal?: (error: Error) => void;
}

/** A lease owner for a new runner process: readable, and never the same twice. */
export function leaseOwner(mode: RunnerOffer['mode']): string {
  return `${mode}-${hostname()}-${randomUUID().slice(0, 8)}`;
}

export class Runner {
  /** The lease owner of this runner's claims. */
  readonly id: string;
  readonly #deps: PerformRunDeps;
  readonly #config: Readonly<RunnerConfig>;
  readonly #log: Logger;
  readonly #active = new Map<string, AbortController>();
  #offer: RunnerOffer | null = null;
  #loops: Promise<void>[] = [];
  #stopping = false;
  #wake: (() => void) | null = null;

  constructor(deps: PerformRunDeps, config: RunnerConfig) {
    this.id = config.owner;
    this.#deps = deps;
    this.#config = Object.freeze({ ...config });
    this.#log = deps.logger.child({ runner: this.id });
  }

  /** What this runner offers, once started. */
  get offer(): RunnerOffer | null {
    return this.#offer;
  }

  /** Finds what this machine offers, reports it, and starts the slots. */
  async start(): Promise<void> {
    const name = this.#config.name ?? hostname();
    this.#offer = await detectOffer(
      {
        id: `${this.#config.mode}-${name}`,
        name,
        mode: this.#config.mode,
        slots: this.#config.slots,
      },
      this.#deps.buildEnv,
    );
    await this.#report();
    this.#log.info(
      {
        slots: this.#offer.slots,
        xcode: this.#offer.toolchain.xcode?.id ?? null,
        macOs: this.#offer.toolchain.macOs?.id ?? null,
      },
      'runner started; toolchain reported',
    );
    for (let slot = 0; slot < this.#config.slots; slot++) this.#loops.push(this.#loop());
  }

  /** Tells idle slots that a run was queued, so they claim it without waiting for the poll. */
  notify(): void {
    this.#wake?.();
  }

  /**
   * Stops claiming, ends what runs and waits for the slots to finish. A
   * running action ends ERRORED, not CANCELED: nobody canceled it, and a
   * started run cannot go back to the queue.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.notify();
    this.#log.info(
      { running: [...this.#active.keys()] },
      this.#active.size > 0
        ? 'runner shutting down; running builds end ERRORED'
        : 'runner shutting down',
    );
    for (const controller of this.#active.values()) controller.abort(new RunnerShutdown());
    await Promise.all(this.#loops);
    await this.#deps.backend.close();
  }

  async #loop(): Promise<void> {
    // Pauses grow while claims fail (a server down), up to 30 s, and reset on success.
    let failures = 0;
    while (!this.#stopping) {
      try {
        const began = performance.now();
        const claimed = await this.#deps.backend.claim(this.#offer!);
        if (claimed && this.#stopping) {
          // Not started yet: its lease lapses and the reaper puts it back in the queue.
          this.#log.info({ buildRunId: claimed.run.id }, 'shutting down; claimed run left queued');
          break;
        }
        if (claimed) {
          const claimMs = Math.round((performance.now() - began) * 100) / 100;
          this.#log.debug({ buildRunId: claimed.run.id, claimMs }, 'run claimed');
          await this.#perform(claimed);
          failures = 0;
          continue;
        }
        failures = 0;
      } catch (err) {
        if ((err as { fatal?: boolean }).fatal === true) {
          this.#log.fatal({ err }, 'runner cannot go on; stopping');
          this.#stopping = true;
          this.#config.onFatal?.(err as Error);
          break;
        }
        failures++;
        const retryMs = this.#backoff(failures);
        this.#log.error({ err, retryMs }, `claiming failed; retrying in ${retryMs} ms`);
        await this.#idle(retryMs);
        continue;
      }
      await this.#idle();
    }
  }

  /** Reports the toolchain once; claims then keep the runner's last-seen time current. */
  async #report(): Promise<void> {
    await this.#deps.backend.report(this.#offer!);
  }

  #backoff(failures: number): number {
    return Math.min(30_000, this.#config.pollMs * 2 ** Math.min(failures - 1, 10));
  }

  #idle(ms = this.#config.pollMs): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const previous = this.#wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        done();
        previous?.();
      };
    });
  }

  async #perform(claimed: ClaimedRun): Promise<void> {
    const { run } = claimed;
    const { backend } = this.#deps;
    const controller = new AbortController();
    this.#active.set(run.id, controller);
    const heartbeat = setInterval(
      () => {
        backend
          .renew(run.id)
          .then((held) => {
            if (!held) {
              this.#log.warn({ buildRunId: run.id }, 'lease lost; stopping the run');
              controller.abort();
            }
          })
          .catch((err) => this.#log.error({ err, buildRunId: run.id }, 'lease renewal failed'));
      },
      Math.max(100, Math.floor(this.#config.leaseMs / 3)),
    );

    try {
      await performRun(this.#deps, claimed, controller.signal);
    } catch (err) {
      this.#log.error({ err, buildRunId: run.id }, 'run failed unexpectedly');
      await backend
        .runErrored(run.id, `The runner failed while performing this run: ${messageOf(err)}`)
        .catch((e) => this.#log.error({ err: e, buildRunId: run.id }, 'could not end the run'));
    } finally {
      clearInterval(heartbeat);
      this.#active.delete(run.id);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
