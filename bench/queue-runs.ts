/**
 * Queues many runs at once for the engine benchmark: copies of one run made
 * through the API (same workflow, commit and plan), written straight to the
 * store the way the API writes each run, numbered in order.
 */
import type { Store } from '../src/store/store.ts';

export async function queueRuns(store: Store, templateRunId: string, count: number) {
  const template = await store.runs.run(templateRunId);
  if (!template) throw new Error(`no run ${templateRunId} to copy`);
  const actions = await store.runs.actionsOfRun(templateRunId);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const run = await store.runs.create(
      {
        product_id: template.product_id,
        workflow_id: template.workflow_id,
        source_commit: template.source_commit,
        destination_commit: template.destination_commit,
        is_pull_request_build: template.is_pull_request_build,
        start_reason: template.start_reason,
        source_ref_id: template.source_ref_id,
        destination_ref_id: template.destination_ref_id,
        pull_request_id: template.pull_request_id,
        clean: template.clean,
        plan: template.plan,
      },
      actions.map((a) => ({
        name: a.name,
        action_type: a.action_type,
        is_required_to_pass: a.is_required_to_pass,
        spec: a.spec,
      })),
    );
    if (!run) throw new Error('the workflow was removed while runs were queued');
    ids.push(run.id);
  }
  return ids;
}
