import { type Kysely } from 'kysely';

/**
 * Separate runners: which runs need Xcode (so runners without it leave them
 * alone), how each runner reaches the runs, and the tokens that let a runner
 * use the HTTP runner protocol.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('build_runs')
    .addColumn('requires_xcode', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Runs queued before this migration: any action without a command needs xcodebuild.
  const waiting = await db
    .selectFrom('build_actions')
    .innerJoin('build_runs', 'build_runs.id', 'build_actions.run_id')
    .select(['build_actions.run_id as run_id', 'build_actions.spec as spec'])
    .where('build_runs.execution_progress', '!=', 'COMPLETE')
    .execute();
  const needing = new Set<string>();
  for (const row of waiting) {
    if (JSON.parse(row.spec).command === undefined) needing.add(row.run_id);
  }
  if (needing.size > 0) {
    await db
      .updateTable('build_runs')
      .set({ requires_xcode: 1 })
      .where('id', 'in', [...needing])
      .execute();
  }

  // Runners report their toolchain into `runners` (002); they also say how they reach the runs.
  await db.schema
    .alterTable('runners')
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('local'))
    .execute();
  await db.schema
    .alterTable('runners')
    .addColumn('slots', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('runner_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
}
