/** The embedded store: one better-sqlite3 connection to a file in WAL mode. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../../schema.ts';
import { TransactionalSqliteDialect } from './transactional-sqlite-dialect.ts';
import { withStatementCache } from './statement-cache.ts';

export interface OpenedSqlite {
  db: Kysely<Database>;
  /** See `StoreDatabase.changeMark`. */
  changeMark(): string;
}

export function openSqlite(location: string): OpenedSqlite {
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  const sqlite = new SQLite(location);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  /*
   * Two counters cover every write: total_changes() counts the rows this connection has
   * changed (committed, pending or rolled back), and data_version moves when any other
   * connection, in this process or another, commits. The first is read on every call; the
   * second takes file locks to read, so it is read at most once per millisecond: commits
   * by other connections are seen within a millisecond of landing.
   */
  const changes = sqlite.prepare('SELECT total_changes()').pluck();
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let version = 0;
  let versionReadAt = -Infinity;
  let markChanges = -1;
  let markVersion = -1;
  let mark = '';
  const db = new Kysely<Database>({
    dialect: new TransactionalSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return {
    db,
    changeMark: () => {
      const now = performance.now();
      if (now - versionReadAt >= 1) {
        version = dataVersion.get() as number;
        versionReadAt = now;
      }
      const changed = changes.get() as number;
      // The same string while nothing moved, so that a check makes no garbage.
      if (changed !== markChanges || version !== markVersion) {
        markChanges = changed;
        markVersion = version;
        mark = `${changed}:${version}`;
      }
      return mark;
    },
  };
}
