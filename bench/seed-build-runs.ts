/**
 * Fills a Stratus SQLite database with finished build runs of one workflow,
 * fast: multi-row INSERTs of 500 rows through one prepared statement, all in
 * one transaction, numbered after the product's counter (which moves past
 * them, as real starts would), and counted in the run counts kept beside the
 * workflow and the product.
 */
import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';

export interface SeedConfig {
  productId: string;
  workflowId: string;
  sourceRefId: string | null;
  count: number;
}

export interface SeedResult {
  firstNumber: number;
  lastNumber: number;
}

const COLUMNS = [
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
  'plan',
  'attempts',
] as const;

const BATCH = 500;

export function seedBuildRuns(db: SQLite.Database, config: SeedConfig): SeedResult {
  const { next_build_number: firstNumber } = db
    .prepare('SELECT next_build_number FROM products WHERE id = ?')
    .get(config.productId) as { next_build_number: number };
  const placeholders = `(${COLUMNS.map(() => '?').join(',')})`;
  const insert = (rows: number) =>
    db.prepare(
      `INSERT INTO build_runs (${COLUMNS.join(',')}) VALUES ${Array(rows).fill(placeholders).join(',')}`,
    );
  const full = insert(BATCH);
  const commit = JSON.stringify({
    commitSha: 'a'.repeat(40),
    message: 'Seeded commit',
    author: { displayName: 'Dana Ito', avatarUrl: null },
    committer: { displayName: 'Dana Ito', avatarUrl: null },
    webUrl: null,
  });
  const counts = JSON.stringify({ analyzerWarnings: 0, errors: 0, testFailures: 0, warnings: 1 });
  const epoch = Date.parse('2026-01-01T00:00:00.000Z');

  const values = (number: number): unknown[] => {
    const created = new Date(epoch + number * 1000).toISOString();
    const finished = new Date(epoch + number * 1000 + 60_000).toISOString();
    return [
      randomUUID(),
      config.productId,
      config.workflowId,
      number,
      created,
      created,
      finished,
      commit,
      null,
      0,
      counts,
      'COMPLETE',
      number % 10 === 0 ? 'FAILED' : 'SUCCEEDED',
      'MANUAL',
      null,
      config.sourceRefId,
      null,
      null,
      0,
      '{}',
      1,
    ];
  };

  db.transaction(() => {
    let number = firstNumber;
    const end = firstNumber + config.count;
    while (number < end) {
      const rows = Math.min(BATCH, end - number);
      const params: unknown[] = [];
      for (let i = 0; i < rows; i++) params.push(...values(number + i));
      (rows === BATCH ? full : insert(rows)).run(params);
      number += rows;
    }
    db.prepare(
      'UPDATE products SET next_build_number = ?, run_count = run_count + ? WHERE id = ?',
    ).run(end, config.count, config.productId);
    db.prepare('UPDATE workflows SET run_count = run_count + ? WHERE id = ?').run(
      config.count,
      config.workflowId,
    );
  })();
  return { firstNumber, lastNumber: firstNumber + config.count - 1 };
}
