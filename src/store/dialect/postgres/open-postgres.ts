/**
 * The shared store: a pg pool. The pool survives the server going away: a
 * request made while PostgreSQL is down fails, and the next one after it is
 * back opens a new connection, with no restart of Stratus.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../../schema.ts';

// COUNT(*), bigint and bigserial columns come back as int8 text; every value
// Stratus keeps in them (counts, sequence numbers, file sizes) fits a JS number.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresConfig {
  url: string;
  maxConnections: number;
  logger?: Logger;
}

export function openPostgres(config: PostgresConfig): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections,
    types,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection whose server restarts or goes away emits 'error' on the
  // pool; unheard, that event would end the process. The pool drops the client
  // by itself, so logging is all there is to do.
  pool.on('error', (err) => {
    config.logger?.warn({ err }, 'database connection lost');
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Checks the URL's shape before any connection is tried, naming what is wrong. */
export function checkPostgresUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL (expected postgres://USER@HOST:PORT/DATABASE)';
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) return 'names no host';
  if (parsed.pathname.length <= 1) return 'names no database (postgres://USER@HOST:PORT/DATABASE)';
  return null;
}
