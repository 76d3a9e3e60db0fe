/**
 * Opens the store: better-sqlite3 (WAL) for a file path, pg for a postgres:// URL,
 * and brings the schema up to date before anything else touches it.
 */
import { Kysely, Migrator, sql, type Migration } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.ts';
import { StoreOpenError } from './store-open-error.ts';
import { openSqlite } from './dialect/sqlite/open-sqlite.ts';
import { checkPostgresUrl, openPostgres } from './dialect/postgres/open-postgres.ts';
import { describeConnectionError } from './dialect/postgres/connection-error.ts';
import * as initial from './migrations/001-initial.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenDatabaseConfig {
  /** Hears about connections lost while open (PostgreSQL). */
  logger?: Logger;
}

const migrations: Record<string, { up(db: Kysely<any>, d: DialectName): Promise<void> }> = {
  '001-initial': initial,
};

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** Opens `location` (a file path, ':memory:' or a postgres:// URL) and migrates it. */
export async function openDatabase(
  location: string,
  config: OpenDatabaseConfig = {},
): Promise<StoreDatabase> {
  const dialect: DialectName = isPostgresUrl(location) ? 'postgres' : 'sqlite';
  let db: Kysely<Database>;

  if (dialect === 'postgres') {
    const problem = checkPostgresUrl(location);
    if (problem) throw new StoreOpenError(`the PostgreSQL URL ${problem}`);
    db = openPostgres({ url: location, maxConnections: 10, logger: config.logger });
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      await db.destroy();
      throw new StoreOpenError(
        `cannot connect to PostgreSQL at ${redactUrl(location)}: ` +
          `${describeConnectionError(error)}. Check that the server runs and the URL is right.`,
        { cause: error },
      );
    }
  } else {
    db = openSqlite(location);
  }

  try {
    await migrate(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, close: () => db.destroy() };
}

/** The URL without its password, fit for messages and logs. */
export function redactUrl(location: string): string {
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Applies pending migrations. On both dialects the whole run is one
 * transaction, so a failure leaves the schema as it was; on PostgreSQL the
 * migrator also holds an advisory lock, so processes starting together
 * migrate one after the other and the later ones find nothing to do.
 */
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
    const what = failed ? `migration ${failed.migrationName}` : 'preparing migrations';
    throw new StoreOpenError(`${what} failed: ${cause}; no change was applied`, { cause: error });
  }
}
