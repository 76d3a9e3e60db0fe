/**
 * Products, source repositories, git references and workflows: what the config
 * file declares and the API reads. Build runs live in BuildRunRepository.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type {
  Database,
  GitReferenceTable,
  ProductTable,
  RepositoryTable,
  WorkflowTable,
} from './schema.ts';
import { keysetPage, type Page, type PageRequest } from './keyset-page.ts';

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

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  // -- products ------------------------------------------------------------

  async upsertProduct(input: {
    name: string;
    productType: string;
    bundleId: string | null;
    teamId: string;
  }): Promise<ProductRow> {
    const existing = await this.#db
      .selectFrom('products')
      .selectAll()
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (existing) {
      await this.#db
        .updateTable('products')
        .set({ product_type: input.productType, bundle_id: input.bundleId })
        .where('id', '=', existing.id)
        .execute();
      return { ...existing, product_type: input.productType, bundle_id: input.bundleId };
    }
    const row: ProductRow = {
      id: randomUUID(),
      name: input.name,
      product_type: input.productType,
      bundle_id: input.bundleId,
      team_id: input.teamId,
      created_at: new Date().toISOString(),
      next_build_number: 1,
      config_digest: null,
    };
    await this.#db.insertInto('products').values(row).execute();
    return row;
  }

  products(ids: readonly string[]): Promise<ProductRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db.selectFrom('products').selectAll().where('id', 'in', ids).execute();
  }

  listProducts(
    filter: { productType?: string[]; ids?: string[] },
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
    await this.#db.insertInto('repositories').values(row).execute();
    return row;
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
    return this.#db.selectFrom('repositories').selectAll().where('id', 'in', ids).execute();
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
    key: string,
    digest: string,
  ): Promise<void> {
    const tombstone = await this.#db
      .selectFrom('config_tombstones')
      .select('config_digest')
      .where('config_key', '=', key)
      .executeTakeFirst();
    if (tombstone?.config_digest === digest) return;
    const existing =
      (await this.#db
        .selectFrom('workflows')
        .selectAll()
        .where('config_key', '=', key)
        .executeTakeFirst()) ??
      (await this.#db
        .selectFrom('workflows')
        .selectAll()
        .where('product_id', '=', input.product_id)
        .where('name', '=', input.name)
        .where('config_key', 'is', null)
        .executeTakeFirst());
    if (existing?.config_digest === digest) return;
    await this.#db.deleteFrom('config_tombstones').where('config_key', '=', key).execute();
    const now = new Date().toISOString();
    if (existing) {
      await this.#db
        .updateTable('workflows')
        .set({ ...input, config_key: key, config_digest: digest, last_modified_date: now })
        .where('id', '=', existing.id)
        .execute();
      return;
    }
    await this.#db
      .insertInto('workflows')
      .values({
        id: randomUUID(),
        is_locked_for_editing: 0,
        created_at: now,
        last_modified_date: now,
        xcode_version_id: null,
        macos_version_id: null,
        ...input,
        config_key: key,
        config_digest: digest,
      })
      .execute();
  }

  async createWorkflow(input: WorkflowFields & { product_id: string }): Promise<WorkflowRow> {
    const now = new Date().toISOString();
    const row: WorkflowRow = {
      id: randomUUID(),
      created_at: now,
      last_modified_date: now,
      config_key: null,
      config_digest: null,
      xcode_version_id: null,
      macos_version_id: null,
      is_locked_for_editing: 0,
      ...input,
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

  // -- tombstones ----------------------------------------------------------

  async productTombstoned(key: string, digest: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('config_tombstones')
      .select('config_digest')
      .where('config_key', '=', key)
      .executeTakeFirst();
    return row?.config_digest === digest;
  }
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
