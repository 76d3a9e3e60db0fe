/** Issues, test results and artifacts recorded for an action. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ArtifactTable, Database, IssueTable, TestResultTable } from './schema.ts';
import { keysetPage, type Page, type PageRequest } from './keyset-page.ts';
import {
  countIssue,
  emptyIssueCounts,
  type IssueCounts,
  type IssueRecord,
  type IssueType,
  type TestResultRecord,
} from '../model/records.ts';

export type IssueRow = Selectable<IssueTable>;
export type TestResultRow = Selectable<TestResultTable>;
export type ArtifactRow = Selectable<ArtifactTable>;

type RecordTable = 'issues' | 'test_results' | 'artifacts';

export class RecordRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async addIssues(actionId: string, issues: readonly IssueRecord[]): Promise<void> {
    if (issues.length === 0) return;
    await this.#db
      .insertInto('issues')
      .values(
        issues.map((i) => ({
          id: randomUUID(),
          action_id: actionId,
          issue_type: i.issueType,
          message: i.message,
          file_path: i.fileSource?.path ?? null,
          line_number: i.fileSource?.lineNumber ?? null,
          category: i.category,
        })),
      )
      .execute();
  }

  async addTestResults(actionId: string, results: readonly TestResultRecord[]): Promise<void> {
    if (results.length === 0) return;
    await this.#db
      .insertInto('test_results')
      .values(
        results.map((r) => ({
          id: randomUUID(),
          action_id: actionId,
          class_name: r.className,
          name: r.name,
          status: r.status,
          file_path: r.fileSource?.path ?? null,
          line_number: r.fileSource?.lineNumber ?? null,
          message: r.message,
          destination_results: JSON.stringify(r.destinationTestResults),
        })),
      )
      .execute();
  }

  async addArtifact(
    actionId: string,
    file: { fileType: string; fileName: string; fileSize: number; storageKey: string },
  ): Promise<ArtifactRow> {
    const id = randomUUID();
    await this.#db
      .insertInto('artifacts')
      .values({
        id,
        action_id: actionId,
        file_type: file.fileType,
        file_name: file.fileName,
        file_size: file.fileSize,
        storage_key: file.storageKey,
      })
      .execute();
    return (await this.artifacts([id]))[0]!;
  }

  /** Counts the issues of an action by type, the source of every issueCounts. */
  async countIssues(actionId: string): Promise<IssueCounts> {
    const rows = await this.#db
      .selectFrom('issues')
      .select(['issue_type', (eb) => eb.fn.countAll().as('n')])
      .where('action_id', '=', actionId)
      .groupBy('issue_type')
      .execute();
    const counts = emptyIssueCounts();
    for (const row of rows) countIssue(counts, row.issue_type as IssueType, Number(row.n));
    return counts;
  }

  issues(ids: readonly string[]): Promise<IssueRow[]> {
    return this.#byIds('issues', ids) as Promise<IssueRow[]>;
  }

  testResults(ids: readonly string[]): Promise<TestResultRow[]> {
    return this.#byIds('test_results', ids) as Promise<TestResultRow[]>;
  }

  artifacts(ids: readonly string[]): Promise<ArtifactRow[]> {
    return this.#byIds('artifacts', ids) as Promise<ArtifactRow[]>;
  }

  listIssues(actionId: string, page: PageRequest): Promise<Page<IssueRow>> {
    return this.#list('issues', actionId, page) as Promise<Page<IssueRow>>;
  }

  listTestResults(actionId: string, page: PageRequest): Promise<Page<TestResultRow>> {
    return this.#list('test_results', actionId, page) as Promise<Page<TestResultRow>>;
  }

  listArtifacts(actionId: string, page: PageRequest): Promise<Page<ArtifactRow>> {
    return this.#list('artifacts', actionId, page) as Promise<Page<ArtifactRow>>;
  }

  #byIds(table: RecordTable, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db.selectFrom(table).selectAll().where('id', 'in', ids).execute();
  }

  #list(table: RecordTable, actionId: string, page: PageRequest): Promise<Page<unknown>> {
    return keysetPage(
      this.#db,
      {
        table,
        sortColumn: 'seq',
        where: (qb: any) => qb.where('action_id', '=', actionId),
      },
      page,
    );
  }
}
