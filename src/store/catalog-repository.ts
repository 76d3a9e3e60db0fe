/**
 * Products, source repositories, git references and workflows: what the config
 * file declares and the API reads. Build runs live in BuildRunRepository.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  Database,
  GitReferenceTable,
  ProductTable,
  RepositoryTable,
  WorkflowTable,
} from './schema.ts';
import { keysetPage, type Page, type PageRequest } from './keyset-page.ts';
import { PrecompiledQuery } from './precompiled-query.ts';

export type ProductRow = Selectable<ProductTable>;
export type RepositoryRow = Selectable<RepositoryTable>;
export type GitReferenceRow = Selectable<GitReferenceTable>;
export type WorkflowRow = Selectable<WorkflowTable>;

export interface ObservedRef {
  canonicalName: string;
  commitSha: string;
}

export class CatalogRepository {
  readonly #db: Kysely<Database>;
  // One record by id: what every API read of a product, repository, reference or workflow makes.
  readonly #productById: PrecompiledQuery<ProductRow>;
  readonly #repositoryById: PrecompiledQuery<RepositoryRow>;
  readonly #gitReferenceById: PrecompiledQuery<GitReferenceRow>;
  readonly #workflowById: PrecompiledQuery<WorkflowRow>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#productById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('products').selectAll().where('id', '=', id),
    );
    this.#repositoryById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('repositories').selectAll().where('id', '=', id),
    );
    this.#gitReferenceById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('git_references').selectAll().where('id', '=', id),
    );
    this.#workflowById = new PrecompiledQuery(db, (id) =>
      db.selectFrom('workflows').selectAll().where('id', '=', id),
    );
  }

  // -- products ------------------------------------------------------------

  /**
   * Writes a product of the products file. A product deleted over the API
   * stays deleted (null is returned) until the file changes its entry.
   */
  async applyFileProduct(
    input: {
      name: string;
      productType: string;
      bundleId: string | null;
      appId: string | null;
      teamId: string;
    },
    digest: string,
  ): Promise<ProductRow | null> {
    const key = productConfigKey(input.name);
    if (await this.#tombstoned(key, digest)) return null;
    await this.#db.deleteFrom('config_tombstones').where('config_key', '=', key).execute();

    const fields = {
      product_type: input.productType,
      bundle_id: input.bundleId,
      app_id: input.appId,
      config_digest: digest,
    };
    const existing = await this.#db
      .selectFrom('products')
      .selectAll()
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (existing) {
      await this.#db.updateTable('products').set(fields).where('id', '=', existing.id).execute();
      return { ...existing, ...fields };
    }
    const row: ProductRow = {
      id: randomUUID(),
      run_count: 0,
      name: input.name,
      team_id: input.teamId,
      created_at: new Date().toISOString(),
      next_build_number: 1,
      ...fields,
    };
    // Two servers (or two starts) may apply the same products file at once:
    // the loser of the insert takes the row the winner wrote.
    const inserted = await this.#db
      .insertInto('products')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return row;
    const winner = await this.#db
      .selectFrom('products')
      .selectAll()
      .where('name', '=', input.name)
      .executeTakeFirstOrThrow();
    await this.#db.updateTable('products').set(fields).where('id', '=', winner.id).execute();
    return { ...winner, ...fields };
  }

  productByAppId(appId: string): Promise<ProductRow | undefined> {
    return this.#db
      .selectFrom('products')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at')
      .executeTakeFirst();
  }

  products(ids: readonly string[]): Promise<ProductRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#productById.execute(ids[0]);
    return this.#db.selectFrom('products').selectAll().where('id', 'in', ids).execute();
  }

  listProducts(
    filter: { productType?: string[]; ids?: string[]; appIds?: string[] },
    page: PageRequest,
  ): Promise<Page<ProductRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'products',
        sortColumn: 'created_at',
        where: (qb) => {
          let q = qb;
          if (filter.productType) q = q.where('product_type', 'in', filter.productType);
          if (filter.ids) q = q.where('id', 'in', filter.ids);
          if (filter.appIds) q = q.where('app_id', 'in', filter.appIds);
          return q;
        },
      },
      page,
    ) as Promise<Page<ProductRow>>;
  }

  // -- repositories --------------------------------------------------------

  async upsertRepository(
    input: Omit<RepositoryRow, 'id' | 'last_accessed_date'>,
  ): Promise<RepositoryRow> {
    const existing = await this.#db
      .selectFrom('repositories')
      .selectAll()
      .where('url', '=', input.url)
      .executeTakeFirst();
    if (existing) {
      await this.#db.updateTable('repositories').set(input).where('id', '=', existing.id).execute();
      return { ...existing, ...input };
    }
    const row: RepositoryRow = { id: randomUUID(), last_accessed_date: null, ...input };
    const inserted = await this.#db
      .insertInto('repositories')
      .values(row)
      .onConflict((oc) => oc.column('url').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return row;
    // Someone else recorded the same URL between our read and our insert.
    const winner = await this.#db
      .selectFrom('repositories')
      .selectAll()
      .where('url', '=', input.url)
      .executeTakeFirstOrThrow();
    await this.#db.updateTable('repositories').set(input).where('id', '=', winner.id).execute();
    return { ...winner, ...input };
  }

  async linkRepository(productId: string, repositoryId: string, kind: 'PRIMARY' | 'ADDITIONAL') {
    await this.#db
      .insertInto('product_repositories')
      .values({ product_id: productId, repository_id: repositoryId, kind })
      .onConflict((oc) => oc.columns(['product_id', 'repository_id']).doUpdateSet({ kind }))
      .execute();
  }

  repositories(ids: readonly string[]): Promise<RepositoryRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#repositoryById.execute(ids[0]);
    return this.#db.selectFrom('repositories').selectAll().where('id', 'in', ids).execute();
  }

  /** Every repository; there are as many as the products name, so a handful. */
  allRepositories(): Promise<RepositoryRow[]> {
    return this.#db.selectFrom('repositories').selectAll().orderBy('id').execute();
  }

  async productRepositoryIds(productId: string, kind: 'PRIMARY' | 'ADDITIONAL'): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('product_repositories')
      .select('repository_id')
      .where('product_id', '=', productId)
      .where('kind', '=', kind)
      .orderBy('repository_id')
      .execute();
    return rows.map((r) => r.repository_id);
  }

  listProductRepositories(
    productId: string,
    kind: 'PRIMARY' | 'ADDITIONAL',
    filter: { ids?: string[] },
    page: PageRequest,
  ): Promise<Page<RepositoryRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'repositories',
        sortColumn: 'id',
        where: (qb) => {
          let q = qb.where('id', 'in', (eb) =>
            eb
              .selectFrom('product_repositories')
              .select('repository_id')
              .where('product_id', '=', productId)
              .where('kind', '=', kind),
          );
          if (filter.ids) q = q.where('id', 'in', filter.ids);
          return q;
        },
      },
      page,
    ) as Promise<Page<RepositoryRow>>;
  }

  listRepositories(filter: { ids?: string[] }, page: PageRequest): Promise<Page<RepositoryRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'repositories',
        sortColumn: 'id',
        where: (qb) => (filter.ids ? qb.where('id', 'in', filter.ids) : qb),
      },
      page,
    ) as Promise<Page<RepositoryRow>>;
  }

  async touchRepository(id: string): Promise<void> {
    await this.#db
      .updateTable('repositories')
      .set({ last_accessed_date: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  // -- git references ------------------------------------------------------

  /**
   * Records the references a repository has now. References that went away
   * stay listed with is_deleted = 1, as Apple keeps them, and keep their id if
   * they come back.
   */
  async syncReferences(repositoryId: string, observed: readonly ObservedRef[]): Promise<void> {
    const now = new Date().toISOString();
    await this.#db.transaction().execute(async (tx) => {
      const known = await tx
        .selectFrom('git_references')
        .selectAll()
        .where('repository_id', '=', repositoryId)
        .execute();
      const byName = new Map(known.map((r) => [r.canonical_name, r]));
      const seen = new Set<string>();

      for (const ref of observed) {
        const parsed = parseCanonicalName(ref.canonicalName);
        if (!parsed) continue;
        seen.add(ref.canonicalName);
        const row = byName.get(ref.canonicalName);
        if (!row) {
          await tx
            .insertInto('git_references')
            .values({
              id: randomUUID(),
              repository_id: repositoryId,
              name: parsed.name,
              canonical_name: ref.canonicalName,
              kind: parsed.kind,
              is_deleted: 0,
              commit_sha: ref.commitSha,
              updated_at: now,
            })
            // Concurrent starts read the same known references; whichever
            // inserts first wins and the other's row is the same reference.
            .onConflict((oc) => oc.columns(['repository_id', 'canonical_name']).doNothing())
            .execute();
        } else if (row.commit_sha !== ref.commitSha || row.is_deleted) {
          await tx
            .updateTable('git_references')
            .set({ commit_sha: ref.commitSha, is_deleted: 0, updated_at: now })
            .where('id', '=', row.id)
            .execute();
        }
      }
      for (const row of known) {
        if (!seen.has(row.canonical_name) && !row.is_deleted) {
          await tx
            .updateTable('git_references')
            .set({ is_deleted: 1, updated_at: now })
            .where('id', '=', row.id)
            .execute();
        }
      }
    });
  }

  gitReferences(ids: readonly string[]): Promise<GitReferenceRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#gitReferenceById.execute(ids[0]);
    return this.#db.selectFrom('git_references').selectAll().where('id', 'in', ids).execute();
  }

  referenceByName(
    repositoryId: string,
    canonicalName: string,
  ): Promise<GitReferenceRow | undefined> {
    return this.#db
      .selectFrom('git_references')
      .selectAll()
      .where('repository_id', '=', repositoryId)
      .where('canonical_name', '=', canonicalName)
      .executeTakeFirst();
  }

  listReferences(repositoryId: string, page: PageRequest): Promise<Page<GitReferenceRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'git_references',
        sortColumn: 'canonical_name',
        where: (qb) => qb.where('repository_id', '=', repositoryId),
      },
      page,
    ) as Promise<Page<GitReferenceRow>>;
  }

  // -- workflows -----------------------------------------------------------

  /**
   * Writes a workflow of the products file. An entry whose digest is the one
   * last applied is left alone, so changes made over the API survive a
   * restart; a changed entry replaces them. An entry deleted over the API
   * stays deleted until the file changes it.
   */
  async applyFileWorkflow(
    input: WorkflowFields & { product_id: string },
    digest: string,
  ): Promise<void> {
    const key = `${input.product_id}/${input.name}`;
    if (await this.#tombstoned(key, digest)) return;
    const byKey = await this.#db
      .selectFrom('workflows')
      .selectAll()
      .where('config_key', '=', key)
      .executeTakeFirst();
    const byName = await this.#db
      .selectFrom('workflows')
      .selectAll()
      .where('product_id', '=', input.product_id)
      .where('name', '=', input.name)
      .executeTakeFirst();
    // The file's workflow may have been renamed over the API and its name given to
    // another; the entry then goes to the one holding the name, and the renamed one
    // stays as a workflow of the API.
    let existing = byKey;
    if (byName && byName.id !== byKey?.id && byName.config_key === null) {
      existing = byName;
      if (byKey) {
        if (byKey.config_digest === digest) return;
        await this.#db
          .updateTable('workflows')
          .set({ config_key: null, config_digest: null })
          .where('id', '=', byKey.id)
          .execute();
      }
    }
    if (existing?.config_digest === digest) return;
    await this.#db.deleteFrom('config_tombstones').where('config_key', '=', key).execute();
    const now = new Date().toISOString();
    const fields = { ...input, config_key: key, config_digest: digest, last_modified_date: now };
    if (existing) {
      await this.#db.updateTable('workflows').set(fields).where('id', '=', existing.id).execute();
      return;
    }
    await this.#db
      .insertInto('workflows')
      .values({ id: randomUUID(), created_at: now, run_count: 0, ...fields })
      // Another server applying the same file at the same moment wrote this very entry.
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async createWorkflow(input: WorkflowFields & { product_id: string }): Promise<WorkflowRow> {
    const now = new Date().toISOString();
    const row: WorkflowRow = {
      ...input,
      id: randomUUID(),
      run_count: 0,
      created_at: now,
      last_modified_date: now,
      config_key: null,
      config_digest: null,
    };
    await this.#db.insertInto('workflows').values(row).execute();
    return row;
  }

  /** Changes the given columns; lastModifiedDate moves only when something changed. */
  async updateWorkflow(id: string, changes: Partial<WorkflowFields>): Promise<WorkflowRow | null> {
    const [existing] = await this.workflows([id]);
    if (!existing) return null;
    const changed = (Object.keys(changes) as (keyof WorkflowFields)[]).some(
      (k) => changes[k] !== undefined && existing[k] !== changes[k],
    );
    if (!changed) return existing;
    const last_modified_date = new Date().toISOString();
    await this.#db
      .updateTable('workflows')
      .set({ ...changes, last_modified_date })
      .where('id', '=', id)
      .execute();
    return { ...existing, ...changes, last_modified_date };
  }

  workflowByName(productId: string, name: string): Promise<WorkflowRow | undefined> {
    return this.#db
      .selectFrom('workflows')
      .selectAll()
      .where('product_id', '=', productId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  workflows(ids: readonly string[]): Promise<WorkflowRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.#workflowById.execute(ids[0]);
    return this.#db.selectFrom('workflows').selectAll().where('id', 'in', ids).execute();
  }

  listWorkflows(productId: string, page: PageRequest): Promise<Page<WorkflowRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'workflows',
        sortColumn: 'created_at',
        where: (qb) => qb.where('product_id', '=', productId),
      },
      page,
    ) as Promise<Page<WorkflowRow>>;
  }

  // -- removal ---------------------------------------------------------------

  /**
   * Removes a workflow with its runs and their records, unless one of its
   * runs has not completed. File workflows leave a tombstone so that a
   * restart does not bring them back. Returns the removed runs' ids, for
   * their files, or the unfinished run that prevented the removal.
   */
  removeWorkflow(id: string): Promise<Removal> {
    return this.#db.transaction().execute(async (tx) => {
      const workflow = await tx
        .selectFrom('workflows')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!workflow) return { removed: false, unfinishedRun: null, runIds: [] };
      await holdProduct(tx, workflow.product_id);
      const unfinished = await unfinishedRun(tx, 'workflow_id', id);
      if (unfinished) return { removed: false, unfinishedRun: unfinished, runIds: [] };

      const runIds = await removeRuns(tx, 'workflow_id', [id]);
      await tx.deleteFrom('workflows').where('id', '=', id).execute();
      if (workflow.config_key && workflow.config_digest) {
        await putTombstone(tx, workflow.config_key, workflow.config_digest);
      }
      return { removed: true, unfinishedRun: null, runIds };
    });
  }

  /** Removes a product with its workflows, runs, records and unshared repositories. */
  removeProduct(id: string): Promise<Removal> {
    return this.#db.transaction().execute(async (tx) => {
      const product = await tx
        .selectFrom('products')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!product) return { removed: false, unfinishedRun: null, runIds: [] };
      await holdProduct(tx, id);
      const unfinished = await unfinishedRun(tx, 'product_id', id);
      if (unfinished) return { removed: false, unfinishedRun: unfinished, runIds: [] };

      const runIds = await removeRuns(tx, 'product_id', [id]);
      await tx.deleteFrom('workflows').where('product_id', '=', id).execute();
      const links = await tx
        .selectFrom('product_repositories')
        .select('repository_id')
        .where('product_id', '=', id)
        .execute();
      await tx.deleteFrom('product_repositories').where('product_id', '=', id).execute();
      for (const { repository_id } of links) {
        const shared = await tx
          .selectFrom('product_repositories')
          .select('product_id')
          .where('repository_id', '=', repository_id)
          .executeTakeFirst();
        if (shared) continue;
        await tx.deleteFrom('git_references').where('repository_id', '=', repository_id).execute();
        await tx.deleteFrom('repositories').where('id', '=', repository_id).execute();
      }
      await tx.deleteFrom('products').where('id', '=', id).execute();
      if (product.config_digest) {
        await putTombstone(tx, productConfigKey(product.name), product.config_digest);
      }
      return { removed: true, unfinishedRun: null, runIds };
    });
  }

  async #tombstoned(key: string, digest: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('config_tombstones')
      .select('config_digest')
      .where('config_key', '=', key)
      .executeTakeFirst();
    return row?.config_digest === digest;
  }
}

export interface Removal {
  removed: boolean;
  /** A run that has not completed yet, when it prevented the removal. */
  unfinishedRun: { id: string; number: number } | null;
  runIds: string[];
}

function productConfigKey(name: string): string {
  return `product:${name}`;
}

/**
 * Takes the product row for the rest of the transaction (an UPDATE that
 * changes nothing locks the row on PostgreSQL and makes the transaction the
 * writer on SQLite). Run creation updates the same row first, so a run is
 * either created before the removal looks for unfinished runs or sees that
 * its workflow is gone.
 */
async function holdProduct(tx: Transaction<Database>, productId: string): Promise<void> {
  await tx
    .updateTable('products')
    .set({ next_build_number: sql`next_build_number` })
    .where('id', '=', productId)
    .execute();
}

async function unfinishedRun(
  tx: Transaction<Database>,
  column: 'workflow_id' | 'product_id',
  id: string,
): Promise<{ id: string; number: number } | null> {
  const row = await tx
    .selectFrom('build_runs')
    .select(['id', 'number'])
    .where(column, '=', id)
    .where('execution_progress', '!=', 'COMPLETE')
    .orderBy('number')
    .executeTakeFirst();
  return row ?? null;
}

/** Deletes the runs owned by the given workflows or products, and everything under them. */
async function removeRuns(
  tx: Transaction<Database>,
  column: 'workflow_id' | 'product_id',
  ids: string[],
): Promise<string[]> {
  const runs = await tx
    .selectFrom('build_runs')
    .select(['id', 'product_id', 'workflow_id'])
    .where(column, 'in', ids)
    .execute();
  const runIds = runs.map((r) => r.id);
  if (runIds.length === 0) return [];
  // The kept run counts of the owners that stay lose what is removed here.
  for (const [table, key] of [
    ['products', 'product_id'],
    ['workflows', 'workflow_id'],
  ] as const) {
    const removed = new Map<string, number>();
    for (const run of runs) removed.set(run[key], (removed.get(run[key]) ?? 0) + 1);
    for (const [id, n] of removed) {
      await tx
        .updateTable(table)
        .set({ run_count: sql`run_count - ${n}` })
        .where('id', '=', id)
        .execute();
    }
  }
  const actionsOf = (eb: any) =>
    eb.selectFrom('build_actions').select('id').where('run_id', 'in', runIds);
  for (const table of ['issues', 'test_results', 'artifacts'] as const) {
    await tx.deleteFrom(table).where('action_id', 'in', actionsOf).execute();
  }
  await tx.deleteFrom('builds').where('run_id', 'in', runIds).execute();
  await tx.deleteFrom('build_actions').where('run_id', 'in', runIds).execute();
  await tx.deleteFrom('build_runs').where('id', 'in', runIds).execute();
  return runIds;
}

async function putTombstone(tx: Transaction<Database>, key: string, digest: string) {
  await tx
    .insertInto('config_tombstones')
    .values({ config_key: key, config_digest: digest })
    .onConflict((oc) => oc.column('config_key').doUpdateSet({ config_digest: digest }))
    .execute();
}

/** The columns of a workflow that its definition sets (the rest the store keeps). */
export type WorkflowFields = Pick<
  WorkflowRow,
  | 'repository_id'
  | 'name'
  | 'description'
  | 'is_enabled'
  | 'clean'
  | 'container_file_path'
  | 'start_conditions'
  | 'actions'
  | 'is_locked_for_editing'
  | 'xcode_version_id'
  | 'macos_version_id'
>;

export function parseCanonicalName(
  canonicalName: string,
): { kind: 'BRANCH' | 'TAG'; name: string } | null {
  if (canonicalName.startsWith('refs/heads/')) {
    return { kind: 'BRANCH', name: canonicalName.slice('refs/heads/'.length) };
  }
  if (canonicalName.startsWith('refs/tags/') && !canonicalName.endsWith('^{}')) {
    return { kind: 'TAG', name: canonicalName.slice('refs/tags/'.length) };
  }
  return null;
}
