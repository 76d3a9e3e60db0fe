/** Migrations run once however many processes start together, and fail whole. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { Store } from '../../src/store/store.ts';
import { migrateDatabase, storeMigrations } from '../../src/store/migrate-database.ts';
import { openSqlite } from '../../src/store/dialect/sqlite/open-sqlite.ts';
import { openPostgres } from '../../src/store/dialect/postgres/open-postgres.ts';
import { StoreOpenError } from '../../src/store/store-open-error.ts';
import { createTestDatabase, testDialect, type TestDatabase } from '../support/test-database.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));
const run = promisify(execFile);

function connect(database: TestDatabase): Kysely<any> {
  return database.dialect === 'postgres'
    ? openPostgres({ url: database.location, maxConnections: 2 })
    : openSqlite(database.location).db;
}

async function tables(db: Kysely<any>): Promise<string[]> {
  return (await db.introspection.getTables()).map((t) => t.name).sort();
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
    db,
  );
  return rows.rows.map((r) => r.name);
}

const broken = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('half_done').addColumn('id', 'text').execute();
    await sql`insert into no_such_table values (1)`.execute(db);
  },
};

describe(`migrations on ${testDialect}`, () => {
  test('a failed migration is named and leaves nothing of its run behind', async () => {
    const database = await createTestDatabase();
    const db = connect(database);
    try {
      // A fresh database: every migration is in the failed run, so none may remain.
      await assert.rejects(
        migrateDatabase(db, database.dialect, { ...storeMigrations, '999-broken': broken }),
        (error: Error) =>
          error instanceof StoreOpenError &&
          /migration 999-broken failed: .*no_such_table.*no change was applied/.test(error.message),
      );
      const left = await tables(db);
      assert.ok(!left.includes('half_done'), `half_done was left: ${left}`);
      assert.ok(!left.includes('products'), `products was left: ${left}`);

      // Up to date first: only the broken migration is in the run, and only it is undone.
      await migrateDatabase(db, database.dialect);
      await assert.rejects(
        migrateDatabase(db, database.dialect, { ...storeMigrations, '999-broken': broken }),
        /migration 999-broken failed/,
      );
      assert.ok(!(await tables(db)).includes('half_done'));
      assert.deepEqual(await appliedMigrations(db), Object.keys(storeMigrations).sort());
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  // SQLite's driver blocks the thread while it waits for a lock, so four connections in one
  // process would wait on each other; the test with four processes covers SQLite.
  const inProcess = testDialect === 'postgres' ? {} : { skip: 'one process, one SQLite writer' };

  test(
    'four stores opening a fresh database at once migrate it exactly once',
    inProcess,
    async () => {
      const database = await createTestDatabase();
      const stores: Store[] = [];
      try {
        const opened = await Promise.allSettled(
          Array.from({ length: 4 }, () => Store.open(database.location)),
        );
        for (const o of opened) if (o.status === 'fulfilled') stores.push(o.value);
        assert.deepEqual(
          opened.map((o) => o.status),
          ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
          String(opened.map((o) => (o.status === 'rejected' ? o.reason : '')).join(' ')),
        );
        const db = connect(database);
        try {
          assert.deepEqual(await appliedMigrations(db), Object.keys(storeMigrations).sort());
        } finally {
          await db.destroy();
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await database.drop();
      }
    },
  );

  test('four processes starting at once on a fresh database all work', async () => {
    const database = await createTestDatabase();
    const out = mkdtempSync(join(tmpdir(), 'stratus-keys-'));
    try {
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          run(process.execPath, [
            bin,
            'keys',
            'create',
            '--database',
            database.location,
            '--data',
            out,
            '--out',
            out,
            '--name',
            `key-${i}`,
            '--json',
          ]),
        ),
      );
      const keys = results.map((r) => JSON.parse(r.stdout));
      assert.equal(new Set(keys.map((k) => k.keyId)).size, 4);

      const store = await Store.open(database.location);
      try {
        for (const k of keys) assert.equal((await store.keys.findKey(k.keyId))?.keyId, k.keyId);
      } finally {
        await store.close();
      }
      const db = connect(database);
      try {
        assert.deepEqual(await appliedMigrations(db), Object.keys(storeMigrations).sort());
      } finally {
        await db.destroy();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
      await database.drop();
    }
  });
});
