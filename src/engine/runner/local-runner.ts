/**
 * Runner slots inside the server process. Each slot claims a run from the
 * store, holds its lease with a heartbeat while performing it, and claims the
 * next. The same loop reaps runs whose lease lapsed: a run that never began an
 * action goes back to the queue once; any other ends ERRORED, with an issue on
 * the action that was interrupted saying why.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import type { BuildRunRow } from '../../store/build-run-repository.ts';
import { performRun, type PerformRunDeps } from './perform-run.ts';
import { sumCounts } from './run-outcome.ts';

export interface LocalRunnerConfig {
  slots: number;
  leaseMs: number;
  pollMs: number;
}

export class LocalRunner {
  readonly owner = `local-${randomUUID()}`;
  readonly #deps: PerformRunDeps;
  readonly #config: LocalRunnerConfig;
  readonly #log: Logger;
  readonly #active = new Map<string, AbortController>();
  #loops: Promise<void>[] = [];
  #stopping = false;
  #wake: (() => void) | null = null;

  constructor(deps: PerformRunDeps, config: LocalRunnerConfig) {
    this.#deps = deps;
    this.#config = Object.freeze({ ...config });
    this.#log = deps.logger.child({ runner: this.owner });
  }

  get store(): Store {
    return this.#deps.store;
  }

  start(): void {
    for (let slot = 0; slot < this.#config.slots; slot++) this.#loops.push(this.#loop(slot));
  }

  /** Tells idle slots that a run was queued, so they claim it without waiting for the poll. */
  notify(): void {
    this.#wake?.();
  }

  /** Stops claiming, cancels what runs, and waits for the slots to finish. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.notify();
    for (const controller of this.#active.values()) controller.abort();
    await Promise.all(this.#loops);
  }

  async #loop(slot: number): Promise<void> {
    while (!this.#stopping) {
      try {
        if (slot === 0) await reapLapsed(this.store, this.#log);
        const run = await this.store.runs.claim(this.owner, this.#config.leaseMs);
        if (run) {
          await this.#perform(run);
          continue;
        }
      } catch (err) {
        this.#log.error({ err }, 'runner loop failed; retrying');
      }
      await this.#idle();
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#config.pollMs);
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

  async #perform(run: BuildRunRow): Promise<void> {
    const controller = new AbortController();
    this.#active.set(run.id, controller);
    const heartbeat = setInterval(
      () => {
        this.store.runs
          .renew(run.id, this.owner, this.#config.leaseMs)
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
      await performRun(this.#deps, run, this.owner, controller.signal);
    } catch (err) {
      this.#log.error({ err, buildRunId: run.id }, 'run failed unexpectedly');
      await endErrored(this.store, run, 'The runner failed while performing this run.');
    } finally {
      clearInterval(heartbeat);
      this.#active.delete(run.id);
    }
  }
}

/** Puts back or ends every run whose runner stopped renewing its lease. */
export async function reapLapsed(store: Store, log: Logger): Promise<void> {
  for (const run of await store.runs.lapsed(new Date())) {
    const actions = await store.runs.actionsOfRun(run.id);
    // Only a run still PENDING goes back: runs never move backwards once started.
    const untouched =
      run.execution_progress === 'PENDING' &&
      actions.every((a) => a.execution_progress === 'PENDING');
    if (untouched && run.attempts < 2 && (await store.runs.release(run))) {
      log.warn({ buildRunId: run.id }, 'lease lapsed before any action began; run queued again');
      continue;
    }
    await endErrored(
      store,
      run,
      'The runner performing this action stopped responding (its lease lapsed), so the action ' +
        'was ended. Start the build again to retry it.',
    );
    log.warn({ buildRunId: run.id }, 'lease lapsed; run ended as ERRORED');
  }
}

async function endErrored(store: Store, run: BuildRunRow, reason: string): Promise<void> {
  const actions = await store.runs.actionsOfRun(run.id);
  const counts = [];
  let reported = false;
  for (const action of actions) {
    if (action.execution_progress !== 'COMPLETE') {
      // One issue, on the action that was under way (or the first still waiting).
      const underWay = actions.some((a) => a.execution_progress === 'RUNNING');
      if (!reported && (action.execution_progress === 'RUNNING' || !underWay)) {
        await store.records.addIssues(action.id, [
          { issueType: 'ERROR', message: reason, fileSource: null, category: 'Runner' },
        ]);
        reported = true;
      }
      const actionCounts = await store.records.countIssues(action.id);
      await store.runs.markActionFinished(action.id, 'ERRORED', actionCounts);
    }
    counts.push(await store.records.countIssues(action.id));
  }
  await store.runs.markRunFinished(run.id, 'ERRORED', sumCounts(counts));
}
