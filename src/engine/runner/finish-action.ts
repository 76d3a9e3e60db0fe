/**
 * Completes an action in the store, the same for every kind of runner: its
 * issue counts come from the issues stored, and a distributable archive is
 * recorded as a build.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.ts';
import type { IssueCounts } from '../../model/records.ts';
import type { WorkflowAction } from '../../model/workflow.ts';

export async function finishAction(
  store: Store,
  runId: string,
  actionId: string,
  status: string,
): Promise<IssueCounts> {
  const counts = await store.records.countIssues(actionId);
  const [action] = await store.runs.actions([actionId]);
  const spec = JSON.parse(action?.spec ?? '{}') as WorkflowAction;
  if (status === 'SUCCEEDED' && spec.actionType === 'ARCHIVE' && spec.buildDistributionAudience) {
    // Xcode Cloud uploads such an archive to App Store Connect as a build. Stratus uploads
    // nothing to Apple: the archive is kept as an artifact and the build is recorded here,
    // already VALID (there is no processing to wait for), numbered as the run.
    const run = await store.runs.run(runId);
    await store.runs.addBuild({
      id: randomUUID(),
      run_id: runId,
      action_id: actionId,
      version: String(run?.number ?? ''),
      uploaded_date: new Date().toISOString(),
      processing_state: 'VALID',
      audience: spec.buildDistributionAudience,
    });
  }
  await store.runs.markActionFinished(actionId, status, counts);
  return counts;
}
