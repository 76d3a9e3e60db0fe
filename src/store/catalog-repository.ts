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

  async upsertWorkflow(
    input: Omit<WorkflowRow, 'id' | 'created_at' | 'last_modified_date' | 'is_locked_for_editing'>,
  ): Promise<WorkflowRow> {
    const now = new Date().toISOString();
    const existing = await this.#db
      .selectFrom('workflows')
      .selectAll()
      .where('product_id', '=', input.product_id)
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (existing) {
      const changed = (Object.keys(input) as (keyof typeof input)[]).some(
        (k) => existing[k] !== input[k],
      );
      const last_modified_date = changed ? now : existing.last_modified_date;
      await this.#db
        .updateTable('workflows')
        .set({ ...input, last_modified_date })
        .where('id', '=', existing.id)
        .execute();
      return { ...existing, ...input, last_modified_date };
    }
    const row: WorkflowRow = {
      id: randomUUID(),
      is_locked_for_editing: 0,
      created_at: now,
      last_modified_date: now,
      ...input,
    };
    await this.#db.insertInto('workflows').values(row).execute();
    return row;
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
}

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
