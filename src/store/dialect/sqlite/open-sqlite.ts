/** The embedded store: one better-sqlite3 connection to a file in WAL mode. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../../schema.ts';
import { TransactionalSqliteDialect } from './transactional-sqlite-dialect.ts';
import { withStatementCache } from './statement-cache.ts';

export function openSqlite(location: string): Kysely<Database> {
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  const sqlite = new SQLite(location);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({
    dialect: new TransactionalSqliteDialect({ database: withStatementCache(sqlite) }),
  });
}
