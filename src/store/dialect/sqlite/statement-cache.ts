/**
 * better-sqlite3 behind Kysely, with each SQL text prepared once. Kysely's
 * SQLite driver prepares every query it runs; preparing costs more than
 * running the small indexed queries the API makes, and the API makes few
 * distinct ones, so prepared statements are kept (the least recently added
 * dropped past `max`). Statements are never iterated here, so one statement
 * can serve every query of its text.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(db: SQLite.Database, max = 1000): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
