import { sql, type Kysely } from 'kysely';

/**
 * Text that the store sorts or compares by range orders by bytes, as SQLite
 * does: keyset paging (sort column, then id), the queue's oldest-first pick
 * and lease expiry. A PostgreSQL database made with a language collation
 * (en_US, ICU) would otherwise order `refs/heads/Feature` after
 * `refs/heads/feature` and punctuation its own way, so pages and sort orders
 * would differ between the two stores. SQLite needs nothing.
 */
const byteOrdered: Record<string, string[]> = {
  products: ['id', 'created_at'],
  repositories: ['id'],
  product_repositories: ['repository_id'],
  git_references: ['id', 'canonical_name'],
  workflows: ['id', 'created_at'],
  build_runs: ['id', 'created_date', 'lease_expires_at'],
  build_actions: ['id'],
  issues: ['id'],
  test_results: ['id'],
  artifacts: ['id'],
  runners: ['id'],
};

export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const [table, columns] of Object.entries(byteOrdered)) {
    for (const column of columns) {
      const target = sql`${sql.table(table)} alter column ${sql.ref(column)}`;
      await sql`alter table ${target} type text collate "C"`.execute(db);
    }
  }
}
