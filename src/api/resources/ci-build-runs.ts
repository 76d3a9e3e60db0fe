import type { BuildRunSummary } from '../../store/build-run-repository.ts';
import { type ResourceDefinition } from '../jsonapi/resource-definition.ts';

function json(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

export const ciBuildRuns: ResourceDefinition<BuildRunSummary> = {
  type: 'ciBuildRuns',
  load: (ids, ctx) => ctx.store.runs.runSummaries(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    number: row.number,
    createdDate: row.created_date,
    startedDate: row.started_date,
    finishedDate: row.finished_date,
    sourceCommit: json(row.source_commit),
    destinationCommit: json(row.destination_commit),
    isPullRequestBuild: row.is_pull_request_build === 1,
    issueCounts: json(row.issue_counts),
    executionProgress: row.execution_progress,
    completionStatus: row.completion_status,
    startReason: row.start_reason,
    cancelReason: row.cancel_reason,
  }),
  relations: {
    // Recorded when an ARCHIVE action with a buildDistributionAudience succeeds.
    builds: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.runs.listBuilds(row.id, req.filters, req, req.exists),
    },
    workflow: { kind: 'toOne', id: (row) => row.workflow_id },
    product: { kind: 'toOne', id: (row) => row.product_id },
    sourceBranchOrTag: { kind: 'toOne', id: (row) => row.source_ref_id },
    destinationBranch: { kind: 'toOne', id: (row) => row.destination_ref_id },
    actions: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.runs.listActions(row.id, req),
    },
    pullRequest: { kind: 'toOne', id: (row) => row.pull_request_id },
  },
};
