/** Ends a run that its runner could not finish, so that it never stays RUNNING forever. */
import type { Store } from '../../store/store.ts';
import type { IssueCounts } from '../../model/records.ts';
import { sumCounts } from './run-outcome.ts';

/**
 * Completes every unfinished action and the run as ERRORED, with one issue
 * carrying `reason` on the action that was under way (or the first waiting).
 */
export async function endErrored(store: Store, runId: string, reason: string): Promise<void> {
  const actions = await store.runs.actionsOfRun(runId);
  const counts: IssueCounts[] = [];
  const underWay = actions.some((a) => a.execution_progress === 'RUNNING');
  let reported = false;
  for (const action of actions) {
    if (action.execution_progress !== 'COMPLETE') {
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
  await store.runs.markRunFinished(runId, 'ERRORED', sumCounts(counts));
}
