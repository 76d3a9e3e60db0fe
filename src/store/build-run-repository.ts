/**
 * Build runs and their actions. The runs table doubles as the job queue: a
 * runner claims a PENDING run by setting a lease in one atomic UPDATE, renews
 * it while it works, and a lease that lapses is reaped by whoever looks next.
 *
 *   PENDING ──claim──▶ PENDING+lease ──start──▶ RUNNING+lease ──finish──▶ COMPLETE
 *      ▲                    │                        │
 *      └──── lapsed, no action started ───┘          └── lapsed ──▶ COMPLETE/ERRORED
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BuildActionTable, BuildRunTable, BuildTable, Database } from './schema.ts';
import type { DialectName } from './open-database.ts';
import { keysetPage, type Page, type PageRequest } from './keyset-page.ts';
import { PrecompiledQuery } from './precompiled-query.ts';
import type { IssueCounts } from '../model/records.ts';

export type BuildRunRow = Selectable<BuildRunTable>;
export type BuildActionRow = Selectable<BuildActionTable>;

/**
 * The columns of a run that readers of its state need: all but the plan its runner works
 * from (workflow snapshot and all, the largest value of the row) and the queue's bookkeeping.
 */
const summaryColumns = [
  'id',
  'product_id',
  'workflow_id',
  'number',
  'created_date',
  'started_date',
  'finished_date',
  'source_commit',
  'destination_commit',
  'is_pull_request_build',
  'issue_counts',
  'execution_progress',
  'completion_status',
  'start_reason',
  'cancel_reason',
  'source_ref_id',
  'destination_ref_id',
  'pull_request_id',
  'clean',
] as const satisfies readonly (keyof BuildRunTable)[];

export type BuildRunSummary = Pick<BuildRunRow, (typeof summaryColumns)[number]>;
/** An App Store Connect `builds` record, with the app of the run's product. */
export type BuildRow = Selectable<BuildTable> & { app_id: string | null };

/** Filters of GET /v1/ciBuildRuns/{id}/builds that these records can answer. */
const buildFilterColumns: Record<string, 'id' | 'version' | 'processing_state' | 'audience'> = {
  id: 'id',
  version: 'version',
  processingState: 'processing_state',
  buildAudienceType: 'audience',
};

/*
 * Build attributes held in a column. Every other attribute of a build is one
 * only App Store Connect would know, so it is always null here.
 */
const buildAttributeColumns: Record<
  string,
  'version' | 'uploaded_date' | 'processing_state' | 'audience'
> = {
  buildAudienceType: 'audience',
  version: 'version',
  uploadedDate: 'uploaded_date',
  processingState: 'processing_state',
};

export type NewBuildRun = Omit<
  BuildRunRow,
  | 'id'
  | 'number'
  | 'created_date'
  | 'started_date'
  | 'finished_date'
  | 'issue_counts'
  | 'execution_progress'
  | 'completion_status'
  | 'cancel_reason'
  | 'lease_owner'
  | 'lease_expires_at'
  | 'attempts'
  | 'requires_xcode'
>;

export interface NewBuildAction {
  name: string;
  action_type: string;
  is_required_to_pass: number;
  spec: string;
}

export class BuildRunRepository {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #runById: PrecompiledQuery<BuildRunRow>;
  readonly #runSummaryById: PrecompiledQuery<BuildRunSummary>;
  readonly #actionById: PrecompiledQuery<BuildActionRow>;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
    this.#runById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('build_runs').selectAll().where('id', '=', id),
    );
    this.#runSummaryById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('build_runs').select(summaryColumns).where('id', '=', id),
    );
    this.#actionById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('build_actions').selectAll().where('id', '=', id),
    );
  }

  /**
   * Creates a run and its actions in one transaction, taking the product's
   * next build number. Numbers are never reused, also under concurrent starts:
   * the counter row is updated in the same statement that reads it. Null
   * when the workflow or its product was deleted meanwhile.
   */
  async create(run: NewBuildRun, actions: NewBuildAction[]): Promise<BuildRunRow | null> {
    const gone = new Error('the workflow is gone');
    return this.#db
      .transaction()
      .execute(async (tx) => {
        const counter = await tx
          .updateTable('products')
          .set({ next_build_number: sql`next_build_number + 1`, run_count: sql`run_count + 1` })
          .where('id', '=', run.product_id)
          .returning('next_build_number')
          .executeTakeFirst();
        // The workflow may have been deleted since the start was checked. Removal holds
        // the product row (CatalogRepository.removeWorkflow), so this sees its outcome.
        const workflow = await tx
          .selectFrom('workflows')
          .select('id')
          .where('id', '=', run.workflow_id)
          .executeTakeFirst();
        // Thrown, so that the transaction rolls back and takes no number.
        if (!counter || !workflow) throw gone;

        const row: BuildRunRow = {
          ...run,
          id: randomUUID(),
          number: counter.next_build_number - 1,
          created_date: new Date().toISOString(),
          started_date: null,
          finished_date: null,
          issue_counts: null,
          execution_progress: 'PENDING',
          completion_status: null,
          cancel_reason: null,
          lease_owner: null,
          lease_expires_at: null,
          attempts: 0,
          requires_xcode: actions.some((a) => JSON.parse(a.spec).command === undefined) ? 1 : 0,
        };
        await tx.insertInto('build_runs').values(row).execute();
        await tx
          .updateTable('workflows')
          .set({ run_count: sql`run_count + 1` })
          .where('id', '=', row.workflow_id)
          .execute();

        if (actions.length > 0) {
          await tx
            .insertInto('build_actions')
            .values(
              actions.map((a, position) => ({
                ...a,
                id: randomUUID(),
                run_id: row.id,
                position,
                started_date: null,
                finished_date: null,
                issue_counts: null,
                execution_progress: 'PENDING' as const,
                completion_status: null,
              })),
            )
            .execute();
        }
        return row;
      })
      .catch((error: unknown) => {
        if (error === gone) return null;
        throw error;
      });
  }

  runs(ids: readonly string[]): Promise<BuildRunRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#runById.execute(ids[0]);
    return this.#db.selectFrom('build_runs').selectAll().where('id', 'in', ids).execute();
  }

  /** Runs as readers of their state see them (see `BuildRunSummary`), in no particular order. */
  runSummaries(ids: readonly string[]): Promise<BuildRunSummary[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#runSummaryById.execute(ids[0]);
    return this.#db
      .selectFrom('build_runs')
      .select(summaryColumns)
      .where('id', 'in', ids)
      .execute();
  }

  async run(id: string): Promise<BuildRunRow | undefined> {
    return (await this.runs([id]))[0];
  }

  listRuns(
    owner: { workflowId?: string; productId?: string },
    descending: boolean,
    page: PageRequest,
  ): Promise<Page<BuildRunSummary>> {
    return keysetPage(
      this.#db,
      {
        table: 'build_runs',
        columns: summaryColumns,
        sortColumn: 'number',
        descending,
        where: (qb) => {
          let q = qb;
          if (owner.workflowId) q = q.where('workflow_id', '=', owner.workflowId);
          if (owner.productId) q = q.where('product_id', '=', owner.productId);
          return q;
        },
        total: () => this.#runCount(owner),
      },
      page,
    ) as Promise<Page<BuildRunSummary>>;
  }

  /** Runs of a workflow or product, as kept beside it; all runs when neither is given. */
  async #runCount(owner: { workflowId?: string; productId?: string }): Promise<number> {
    const read = (table: 'workflows' | 'products', id: string) =>
      this.#db.selectFrom(table).select('run_count').where('id', '=', id).executeTakeFirst();
    if (owner.workflowId) return (await read('workflows', owner.workflowId))?.run_count ?? 0;
    if (owner.productId) return (await read('products', owner.productId))?.run_count ?? 0;
    const row = await this.#db
      .selectFrom('build_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  actions(ids: readonly string[]): Promise<BuildActionRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#actionById.execute(ids[0]);
    return this.#db.selectFrom('build_actions').selectAll().where('id', 'in', ids).execute();
  }

  actionsOfRun(runId: string): Promise<BuildActionRow[]> {
    return this.#db
      .selectFrom('build_actions')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('position')
      .execute();
  }

  listActions(runId: string, page: PageRequest): Promise<Page<BuildActionRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'build_actions',
        sortColumn: 'position',
        where: (qb) => qb.where('run_id', '=', runId),
      },
      page,
    ) as Promise<Page<BuildActionRow>>;
  }

  // -- App Store Connect builds ---------------------------------------------

  async addBuild(build: Selectable<BuildTable>): Promise<void> {
    await this.#db.insertInto('builds').values(build).execute();
  }

  builds(ids: readonly string[]): Promise<BuildRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#buildsQuery().where('builds.id', 'in', ids).execute();
  }

  /**
   * The builds of a run. A filter on something these records do not have
   * (beta groups, pre-release versions, App Store versions…) matches none.
   */
  async listBuilds(
    runId: string,
    filters: Map<string, string[]>,
    page: PageRequest,
    exists: ReadonlyMap<string, boolean> = new Map(),
  ): Promise<Page<BuildRow>> {
    let rows = await this.#buildsQuery().where('builds.run_id', '=', runId).execute();
    for (const [name, present] of exists) {
      const column = buildAttributeColumns[name];
      rows = rows.filter((r) => (column !== undefined && r[column] !== null) === present);
    }
    for (const [name, values] of filters) {
      const column = buildFilterColumns[name];
      if (column) rows = rows.filter((r) => values.includes(String(r[column])));
      else if (name === 'expired') rows = rows.filter(() => values.includes('false'));
      else if (name === 'app') rows = rows.filter((r) => r.app_id && values.includes(r.app_id));
      else rows = [];
    }
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    const after = page.after?.[1];
    const rest = after === undefined ? rows : rows.filter((r) => r.id > after);
    const slice = rest.slice(0, page.limit);
    const last = slice[slice.length - 1];
    return {
      rows: slice,
      total: rows.length,
      next: rest.length > page.limit && last ? [last.id, last.id] : null,
    };
  }

  #buildsQuery() {
    return this.#db
      .selectFrom('builds')
      .innerJoin('build_runs', 'build_runs.id', 'builds.run_id')
      .innerJoin('products', 'products.id', 'build_runs.product_id')
      .selectAll('builds')
      .select('products.app_id');
  }

  // -- queue ---------------------------------------------------------------

  /**
   * Claims the oldest PENDING run that nobody holds and that this runner can
   * perform: without xcodebuild, only runs whose every action has a command.
   * Returns undefined when none waits.
   */
  async claim(
    owner: string,
    leaseMs: number,
    offers: { xcodebuild: boolean } = { xcodebuild: true },
  ): Promise<BuildRunRow | undefined> {
    const expires = new Date(Date.now() + leaseMs).toISOString();
    const row = await this.#db
      .updateTable('build_runs')
      .set({ lease_owner: owner, lease_expires_at: expires, attempts: sql`attempts + 1` })
      .where('id', '=', (eb) => {
        let pick = eb
          .selectFrom('build_runs')
          .select('id')
          .where('execution_progress', '=', 'PENDING')
          .where('lease_owner', 'is', null)
          .orderBy('created_date')
          .orderBy('number')
          .limit(1);
        if (!offers.xcodebuild) pick = pick.where('requires_xcode', '=', 0);
        if (this.#dialect === 'postgres') pick = pick.forUpdate().skipLocked();
        return pick;
      })
      .where('lease_owner', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  /** Extends a lease; false when it was lost (reaped, or the run was finished by someone else). */
  async renew(runId: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('build_runs')
      .set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
      .where('id', '=', runId)
      .where('lease_owner', '=', owner)
      .where('execution_progress', '!=', 'COMPLETE')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** PENDING runs nobody holds that need xcodebuild, oldest first. */
  waitingForXcode(limit: number): Promise<BuildRunRow[]> {
    return this.#db
      .selectFrom('build_runs')
      .selectAll()
      .where('execution_progress', '=', 'PENDING')
      .where('lease_owner', 'is', null)
      .where('requires_xcode', '=', 1)
      .orderBy('created_date')
      .limit(limit)
      .execute();
  }

  /** Runs whose lease lapsed before `now`. */
  lapsed(now: Date): Promise<BuildRunRow[]> {
    return this.#db
      .selectFrom('build_runs')
      .selectAll()
      .where('execution_progress', '!=', 'COMPLETE')
      .where('lease_expires_at', '<', now.toISOString())
      .execute();
  }

  /** Puts a claimed run back in the queue if its lease is still the lapsed one. */
  async release(run: BuildRunRow): Promise<boolean> {
    const result = await this.#db
      .updateTable('build_runs')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('id', '=', run.id)
      .where('execution_progress', '=', 'PENDING')
      .where('lease_owner', '=', run.lease_owner)
      .where('lease_expires_at', '=', run.lease_expires_at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Takes a lapsed lease over for `owner` (a reaper), if nobody renewed or
   * took it since it was read; so that two reapers never end one run twice.
   */
  async seize(run: BuildRunRow, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('build_runs')
      .set({ lease_owner: owner, lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
      .where('id', '=', run.id)
      .where('execution_progress', '!=', 'COMPLETE')
      .where('lease_owner', '=', run.lease_owner)
      .where('lease_expires_at', '=', run.lease_expires_at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // -- state transitions (forward only) --------------------------------------

  async markRunStarted(runId: string, owner: string): Promise<void> {
    await this.#db
      .updateTable('build_runs')
      .set({ execution_progress: 'RUNNING', started_date: new Date().toISOString() })
      .where('id', '=', runId)
      .where('lease_owner', '=', owner)
      .where('execution_progress', '=', 'PENDING')
      .execute();
  }

  async markActionStarted(actionId: string): Promise<void> {
    await this.#db
      .updateTable('build_actions')
      .set({ execution_progress: 'RUNNING', started_date: new Date().toISOString() })
      .where('id', '=', actionId)
      .where('execution_progress', '=', 'PENDING')
      .execute();
  }

  async markActionFinished(actionId: string, status: string, counts: IssueCounts): Promise<void> {
    await this.#db
      .updateTable('build_actions')
      .set({
        execution_progress: 'COMPLETE',
        completion_status: status,
        finished_date: new Date().toISOString(),
        issue_counts: JSON.stringify(counts),
      })
      .where('id', '=', actionId)
      .where('execution_progress', '!=', 'COMPLETE')
      .execute();
  }

  async setRunCounts(runId: string, counts: IssueCounts): Promise<void> {
    await this.#db
      .updateTable('build_runs')
      .set({ issue_counts: JSON.stringify(counts) })
      .where('id', '=', runId)
      .execute();
  }

  /** Completes a run; a second completion is a no-op (runs only move forward). */
  async markRunFinished(
    runId: string,
    status: string,
    counts: IssueCounts | null,
    cancelReason: string | null = null,
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('build_runs')
      .set({
        execution_progress: 'COMPLETE',
        completion_status: status,
        finished_date: new Date().toISOString(),
        issue_counts: counts ? JSON.stringify(counts) : null,
        cancel_reason: cancelReason,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', runId)
      .where('execution_progress', '!=', 'COMPLETE')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
