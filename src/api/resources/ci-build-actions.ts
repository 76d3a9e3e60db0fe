import type { BuildActionRow } from '../../store/build-run-repository.ts';
import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';

export const ciBuildActions: ResourceDefinition<BuildActionRow> = {
  type: 'ciBuildActions',
  load: (ids, ctx) => ctx.store.runs.actions(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    name: row.name,
    actionType: row.action_type,
    startedDate: row.started_date,
    finishedDate: row.finished_date,
    issueCounts: row.issue_counts === null ? null : JSON.parse(row.issue_counts),
    executionProgress: row.execution_progress,
    completionStatus: row.completion_status,
    isRequiredToPass: row.is_required_to_pass === 1,
  }),
  relations: {
    buildRun: { kind: 'toOne', id: (row) => row.run_id },
    artifacts: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.records.listArtifacts(row.id, req),
    },
    issues: { kind: 'toMany', page: (row, req, ctx) => ctx.store.records.listIssues(row.id, req) },
    testResults: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.records.listTestResults(row.id, req),
    },
  },
};
