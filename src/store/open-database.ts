/**
 * Opens the store: better-sqlite3 (WAL) for a file path, pg for a postgres:// URL,
 * and brings the schema up to date before anything else touches it.
 */
import { Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.ts';
import { StoreOpenError } from './store-open-error.ts';
import { openSqlite } from './dialect/sqlite/open-sqlite.ts';
import { checkPostgresUrl, openPostgres } from './dialect/postgres/open-postgres.ts';
import { describeConnectionError } from './dialect/postgres/connection-error.ts';
import { migrateDatabase } from './migrate-database.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /**
   * A value that differs whenever the database may have changed since it was last read:
   * after any write through this store, and after any commit by another connection or
   * process. Null where the database offers no cheap way to tell (PostgreSQL).
   */
  changeMark: (() => string) | null;
  close(): Promise<void>;
}

export interface OpenDatabaseConfig {
  /** Hears about connections lost while open (PostgreSQL). */
  logger?: Logger;
}

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
  let changeMark: StoreDatabase['changeMark'] = null;

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
    ({ db, changeMark } = openSqlite(location));
  }

  try {
    await migrateDatabase(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, changeMark, close: () => db.destroy() };
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
