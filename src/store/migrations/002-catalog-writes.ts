import { sql, type Kysely } from 'kysely';

/**
 * Workflows written over the API beside those of the products file, the
 * Xcode and macOS versions a workflow names, SCM providers, and pull requests.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workflows').addColumn('config_key', 'text').execute();
  await db.schema.alterTable('workflows').addColumn('config_digest', 'text').execute();
  await db.schema.alterTable('workflows').addColumn('xcode_version_id', 'text').execute();
  await db.schema.alterTable('workflows').addColumn('macos_version_id', 'text').execute();
  // Every workflow so far came from the products file, keyed by product and name.
  await sql`update workflows set config_key = product_id || '/' || name`.execute(db);
  await db.schema
    .createIndex('workflows_config_key')
    .on('workflows')
    .column('config_key')
    .unique()
    .execute();

  await db.schema.alterTable('products').addColumn('config_digest', 'text').execute();

  // Entries of the products file deleted over the API, with the digest of the
  // entry as it was: the entry comes back only when the file changes it.
  await db.schema
    .createTable('config_tombstones')
    .addColumn('config_key', 'text', (c) => c.primaryKey())
    .addColumn('config_digest', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('repositories').addColumn('provider_kind', 'text').execute();
  await db.schema.alterTable('repositories').addColumn('provider_url', 'text').execute();

  await db.schema
    .createTable('pull_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source_branch_name', 'text', (c) => c.notNull())
    .addColumn('destination_branch_name', 'text', (c) => c.notNull())
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('is_closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pull_requests_repo_number', ['repository_id', 'number'])
    .execute();
}
