import { sql, type Kysely } from 'kysely';

/**
 * Workflows and products written over the API beside those of the products
 * file; the Xcode and macOS versions that runners report; App Store Connect
 * builds recorded for distributable archives.
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
  await db.schema.alterTable('products').addColumn('app_id', 'text').execute();

  // Entries of the products file deleted over the API, with the digest of the
  // entry as it was: the entry comes back only when the file changes it.
  await db.schema
    .createTable('config_tombstones')
    .addColumn('config_key', 'text', (c) => c.primaryKey())
    .addColumn('config_digest', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('runners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('has_xcode', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('xcode_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('test_destinations', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('macos_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('xcode_macos_versions')
    .addColumn('xcode_version_id', 'text', (c) => c.notNull())
    .addColumn('macos_version_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('xcode_macos_versions_pk', ['xcode_version_id', 'macos_version_id'])
    .execute();
  await db.schema
    .createIndex('xcode_macos_versions_macos')
    .on('xcode_macos_versions')
    .columns(['macos_version_id', 'xcode_version_id'])
    .execute();

  await db.schema
    .createTable('builds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('uploaded_date', 'text', (c) => c.notNull())
    .addColumn('processing_state', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('builds_run').on('builds').columns(['run_id', 'id']).execute();
}
