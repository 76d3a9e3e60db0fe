/**
 * A query compiled once answers as the same query built afresh would, with each run's
 * values, on SQLite and PostgreSQL (npm test runs this file on both).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type StoreDatabase } from '../../src/store/open-database.ts';
import { PrecompiledQuery } from '../../src/store/precompiled-query.ts';
import { createTestDatabase, testDialect, type TestDatabase } from '../support/test-database.ts';

describe(`precompiled queries on ${testDialect}`, () => {
  let database: TestDatabase;
  let store: StoreDatabase;

  before(async () => {
    database = await createTestDatabase();
    store = await openDatabase(database.location);
    const rows = ['alpha', 'beta', 'gamma'].map((name, i) => ({
      id: `repo-${i}`,
      url: `/srv/${name}.git`,
      owner_name: i === 1 ? null : 'team',
      repository_name: name,
      http_clone_url: null,
      ssh_clone_url: null,
      default_branch: 'main',
      last_accessed_date: null,
    }));
    await store.db.insertInto('repositories').values(rows).execute();
  });

  after(async () => {
    await store?.close();
    await database?.drop();
  });

  test('each run binds its own value and reads what the built query reads', async () => {
    const db = store.db;
    const byId = new PrecompiledQuery(db, (id) =>
      db.selectFrom('repositories').selectAll().where('id', '=', id),
    );
    for (const id of ['repo-2', 'repo-0', 'repo-1', 'repo-2']) {
      const built = await db.selectFrom('repositories').selectAll().where('id', '=', id).execute();
      assert.deepEqual(await byId.execute(id), built);
      assert.equal(built.length, 1);
    }
    assert.deepEqual(await byId.execute('no-such-repository'), []);
  });

  test('values go where their parameters were, around the constants the query binds', async () => {
    const db = store.db;
    const query = new PrecompiledQuery(db, (owner, name) =>
      db
        .selectFrom('repositories')
        .select(['id', 'repository_name'])
        .where('default_branch', '=', 'main')
        .where('repository_name', '=', name)
        .where('owner_name', '=', owner)
        .where('url', '!=', '/srv/none.git'),
    );
    assert.deepEqual(await query.execute('team', 'gamma'), [
      { id: 'repo-2', repository_name: 'gamma' },
    ]);
    assert.deepEqual(await query.execute('gamma', 'team'), []);
  });

  test('a parameter the query does not bind exactly once is refused when compiled', () => {
    const db = store.db;
    assert.throws(
      () => new PrecompiledQuery(db, (_id) => db.selectFrom('repositories').selectAll()),
      /bind each parameter once/,
    );
    assert.throws(
      () =>
        new PrecompiledQuery(db, (id) =>
          db.selectFrom('repositories').selectAll().where('id', '=', id).where('url', '=', id),
        ),
      /bind each parameter once/,
    );
  });
});
