/** The three kinds of record an action leaves: artifacts, issues and test results. */
import type { ArtifactRow, IssueRow, TestResultRow } from '../../store/record-repository.ts';
import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';

function fileSource(path: string | null, line: number | null) {
  return path === null ? null : { path, lineNumber: line };
}

export const ciArtifacts: ResourceDefinition<ArtifactRow> = {
  type: 'ciArtifacts',
  load: (ids, ctx) => ctx.store.records.artifacts(ids),
  id: (row) => row.id,
  attributes: (row, ctx) => ({
    fileType: row.file_type,
    fileName: row.file_name,
    fileSize: Number(row.file_size),
    // Signed afresh on every read, so a link handed out expires on its own.
    downloadUrl: ctx.artifacts.downloadUrl(row.id, row.file_name),
  }),
  relations: {},
};

export const ciIssues: ResourceDefinition<IssueRow> = {
  type: 'ciIssues',
  load: (ids, ctx) => ctx.store.records.issues(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    issueType: row.issue_type,
    message: row.message,
    fileSource: fileSource(row.file_path, row.line_number),
    category: row.category,
  }),
  relations: {},
};

export const ciTestResults: ResourceDefinition<TestResultRow> = {
  type: 'ciTestResults',
  load: (ids, ctx) => ctx.store.records.testResults(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    className: row.class_name,
    name: row.name,
    status: row.status,
    fileSource: fileSource(row.file_path, row.line_number),
    message: row.message,
    destinationTestResults: JSON.parse(row.destination_results),
  }),
  relations: {},
};
