import { sql, type Kysely } from 'kysely';

/** The first schema: keys, products, repositories, workflows, runs and their records. */
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';

  await db.schema
    .createTable('api_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('issuer_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('public_key_pem', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('product_type', 'text', (c) => c.notNull())
    .addColumn('bundle_id', 'text')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_build_number', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('repositories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('owner_name', 'text')
    .addColumn('repository_name', 'text', (c) => c.notNull())
    .addColumn('http_clone_url', 'text')
    .addColumn('ssh_clone_url', 'text')
    .addColumn('last_accessed_date', 'text')
    .addColumn('default_branch', 'text')
    .execute();

  await db.schema
    .createTable('product_repositories')
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('product_repositories_pk', ['product_id', 'repository_id'])
    .execute();

  await db.schema
    .createTable('git_references')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('canonical_name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('commit_sha', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('git_references_repo_name', ['repository_id', 'canonical_name'])
    .execute();

  await db.schema
    .createTable('workflows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('is_enabled', 'integer', (c) => c.notNull())
    .addColumn('is_locked_for_editing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clean', 'integer', (c) => c.notNull())
    .addColumn('container_file_path', 'text')
    .addColumn('start_conditions', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_modified_date', 'text', (c) => c.notNull())
    .addUniqueConstraint('workflows_product_name', ['product_id', 'name'])
    .execute();

  await db.schema
    .createTable('build_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('created_date', 'text', (c) => c.notNull())
    .addColumn('started_date', 'text')
    .addColumn('finished_date', 'text')
    .addColumn('source_commit', 'text')
    .addColumn('destination_commit', 'text')
    .addColumn('is_pull_request_build', 'integer', (c) => c.notNull())
    .addColumn('issue_counts', 'text')
    .addColumn('execution_progress', 'text', (c) => c.notNull())
    .addColumn('completion_status', 'text')
    .addColumn('start_reason', 'text', (c) => c.notNull())
    .addColumn('cancel_reason', 'text')
    .addColumn('source_ref_id', 'text')
    .addColumn('destination_ref_id', 'text')
    .addColumn('pull_request_id', 'text')
    .addColumn('clean', 'integer', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('build_runs_product_number', ['product_id', 'number'])
    .execute();
  await db.schema
    .createIndex('build_runs_workflow_number')
    .on('build_runs')
    .columns(['workflow_id', 'number'])
    .execute();
  await db.schema
    .createIndex('build_runs_queue')
    .on('build_runs')
    .columns(['execution_progress', 'created_date'])
    .execute();

  await db.schema
    .createTable('build_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('started_date', 'text')
    .addColumn('finished_date', 'text')
    .addColumn('issue_counts', 'text')
    .addColumn('execution_progress', 'text', (c) => c.notNull())
    .addColumn('completion_status', 'text')
    .addColumn('is_required_to_pass', 'integer', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addUniqueConstraint('build_actions_run_position', ['run_id', 'position'])
    .execute();

  for (const table of ['issues', 'test_results', 'artifacts']) {
    let builder = db.schema
      .createTable(table)
      .addColumn('seq', sql.raw(serial) as any, (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('action_id', 'text', (c) => c.notNull());
    if (table === 'issues') {
      builder = builder
        .addColumn('issue_type', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('file_path', 'text')
        .addColumn('line_number', 'integer')
        .addColumn('category', 'text');
    } else if (table === 'test_results') {
      builder = builder
        .addColumn('class_name', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('file_path', 'text')
        .addColumn('line_number', 'integer')
        .addColumn('message', 'text')
        .addColumn('destination_results', 'text', (c) => c.notNull());
    } else {
      builder = builder
        .addColumn('file_type', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_size', 'bigint', (c) => c.notNull())
        .addColumn('storage_key', 'text', (c) => c.notNull());
    }
    await builder.execute();
    await db.schema
      .createIndex(`${table}_action`)
      .on(table)
      .columns(['action_id', 'seq'])
      .execute();
  }
}
