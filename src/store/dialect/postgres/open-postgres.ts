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
  // A connection whose server restarts or goes away emits 'error'; unheard, that event
  // ends the process. The pool hears it for idle connections and drops them. A connection
  // lent out hears it on its own, sometimes after its query already failed and before it
  // is given back: the listener below keeps that from being fatal, and the pool drops the
  // connection when it returns, as it is no longer usable.
  pool.on('error', (err) => {
    config.logger?.warn({ err }, 'database connection lost');
  });
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      config.logger?.debug({ err }, 'database connection failed while in use');
    });
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
