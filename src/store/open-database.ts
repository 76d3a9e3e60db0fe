/**
 * Opens the store: better-sqlite3 (WAL) for a file path, pg for a postgres:// URL,
 * and brings the schema up to date before anything else touches it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { withStatementCache } from './dialect/sqlite/statement-cache.ts';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import * as initial from './migrations/001-initial.ts';
import * as catalogWrites from './migrations/002-catalog-writes.ts';
import * as runCounts from './migrations/003-run-counts.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

const migrations: Record<string, { up(db: Kysely<any>, d: DialectName): Promise<void> }> = {
  '001-initial': initial,
  '002-catalog-writes': catalogWrites,
  '003-run-counts': runCounts,
};

/** Opens `location` (a file path, ':memory:' or a postgres:// URL) and migrates it. */
export async function openDatabase(location: string): Promise<StoreDatabase> {
  const dialect: DialectName = /^postgres(ql)?:\/\//.test(location) ? 'postgres' : 'sqlite';
  let db: Kysely<Database>;

  if (dialect === 'postgres') {
    // COUNT(*) and bigserial columns come back as int8; they fit a JS number here.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: location, max: 10 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    const sqlite = new SQLite(location);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
  }

  await migrate(db, dialect);
  return { db, dialect, close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const provider = {
    async getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) {
        out[name] = { up: (k: Kysely<any>) => m.up(k, dialect) };
      }
      return out;
    },
  };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
}
