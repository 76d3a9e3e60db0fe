import { sql, type Kysely } from 'kysely';

/**
 * How many runs each workflow and product holds, kept beside them: the total of a
 * run list (meta.paging.total) is read from here instead of counting a million
 * index entries on every page.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['workflows', 'products']) {
    await db.schema
      .alterTable(table)
      .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await sql`update workflows set run_count =
    (select count(*) from build_runs where build_runs.workflow_id = workflows.id)`.execute(db);
  await sql`update products set run_count =
    (select count(*) from build_runs where build_runs.product_id = products.id)`.execute(db);
}
