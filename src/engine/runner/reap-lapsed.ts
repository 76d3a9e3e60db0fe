/**
 * Looks after runs whose runner stopped renewing its lease (it crashed, was
 * killed, or lost the network): a run that never began an action goes back
 * to the queue once, for another runner; any other ends ERRORED with an
 * issue saying the runner stopped responding. The server does this whether
 * or not it runs builds itself, and so does every runner on the store.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import { endErrored } from './end-errored.ts';

export const RUNNER_STOPPED =
  'The runner performing this action stopped responding (its lease lapsed), so the action ' +
  'was ended. Start the build again to retry it.';

export async function reapLapsed(store: Store, log: Logger, now = new Date()): Promise<void> {
  for (const run of await store.runs.lapsed(now)) {
    const actions = await store.runs.actionsOfRun(run.id);
    // Only a run still PENDING goes back: runs never move backwards once started.
    const untouched =
      run.execution_progress === 'PENDING' &&
      actions.every((a) => a.execution_progress === 'PENDING');
    if (untouched && run.attempts < 2 && (await store.runs.release(run))) {
      log.warn(
        { buildRunId: run.id, runner: run.lease_owner },
        'lease lapsed before any action began; run queued again',
      );
      continue;
    }
    // A minute is ample to write the ending; if this reaper dies too, the next one takes over.
    if (!(await store.runs.seize(run, `reaper-${randomUUID()}`, 60_000))) continue;
    await endErrored(store, run.id, RUNNER_STOPPED);
    log.warn({ buildRunId: run.id, runner: run.lease_owner }, 'lease lapsed; run ended as ERRORED');
  }
}
