/**
 * A fresh, empty database for one test, on the dialect the suite runs against:
 * `STRATUS_TEST_DATABASE=sqlite` (the default) gives a file in a temporary
 * folder; `postgres` gives a new database on the server at
 * `STRATUS_TEST_POSTGRES_URL`, created from template0 and dropped afterwards.
 * A whole database (rather than a schema) keeps tests apart even where they
 * run migrations or several processes against it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

export interface TestDatabase {
  dialect: TestDialect;
  /** What `--database` / `Store.open` take: a file path or a postgres:// URL. */
  location: string;
  drop(): Promise<void>;
}

export const testDialect: TestDialect = readDialect();

export const postgresServerUrl =
  process.env.STRATUS_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';

// Databases made here carry this prefix, so that a glance at the server tells whose they are.
const prefix = process.env.STRATUS_TEST_DATABASE_PREFIX ?? 'stratus_test';

function readDialect(): TestDialect {
  const raw = process.env.STRATUS_TEST_DATABASE ?? 'sqlite';
  if (raw !== 'sqlite' && raw !== 'postgres') {
    throw new Error(`STRATUS_TEST_DATABASE must be sqlite or postgres; got '${raw}'`);
  }
  return raw;
}

/** A fresh database; `dialect` overrides the suite's choice for tests that need one. */
export async function createTestDatabase(
  dialect: TestDialect = testDialect,
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-db-'));
    return {
      dialect,
      location: join(dir, 'stratus.db'),
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withServer(async (client) => {
    // An ICU language collation, as many servers have, orders text unlike SQLite does;
    // testing on it keeps the store's orderings honest. Servers without ICU get their default.
    try {
      await client.query(
        `CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`,
      );
    } catch {
      await client.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
    }
  });
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    location: url.toString(),
    async drop() {
      // FORCE ends connections a crashed or killed process left behind.
      await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresServerUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot reach the test PostgreSQL at ${postgresServerUrl} ` +
        `(set STRATUS_TEST_POSTGRES_URL): ${(error as Error).message}`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
