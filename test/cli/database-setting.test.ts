/** A database that cannot be used stops Stratus at start with a message naming the setting. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings, SettingsError } from '../../src/config/settings.ts';
import { Store } from '../../src/store/store.ts';
import { StoreOpenError } from '../../src/store/store-open-error.ts';
import { postgresServerUrl } from '../support/test-database.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stratus-cli-'));

describe('the --database setting', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a URL of another database is refused, naming the flag', () => {
    assert.throws(
      () => loadSettings({ database: 'mysql://root@127.0.0.1/stratus' }, {}),
      (e: Error) =>
        e instanceof SettingsError &&
        /^--database must be a SQLite file path or a postgres:\/\/ URL/.test(e.message),
    );
  });

  test('a PostgreSQL URL naming no database is refused, naming the variable only', () => {
    assert.throws(
      () => loadSettings({}, { STRATUS_DATABASE_URL: 'postgres://root:pw@127.0.0.1' }),
      (e: Error) =>
        e instanceof SettingsError &&
        /^STRATUS_DATABASE_URL names no database/.test(e.message) &&
        !e.message.includes(':pw@'),
    );
  });

  test('a file path and a full PostgreSQL URL are taken as they are', () => {
    const url = 'postgres://stratus:secret@db.internal:5432/stratus?sslmode=require';
    assert.equal(loadSettings({ database: url }, {}).database, url);
    assert.equal(loadSettings({ database: '/srv/stratus.db' }, {}).database, '/srv/stratus.db');
  });

  test('a database that does not exist on the server is named as such', async () => {
    const url = new URL(postgresServerUrl);
    url.pathname = '/stratus_test_absent_database';
    await assert.rejects(
      Store.open(url.toString()),
      (e: Error) =>
        e instanceof StoreOpenError &&
        /^cannot connect to PostgreSQL .*: the database does not exist\./.test(e.message),
    );
  });

  test('an unreachable server stops `stratus serve` with one line saying so', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'serve', '--port', '0', '--data', dir, '--database', 'postgres://root@127.0.0.1:1/x'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr,
      'stratus: --database/STRATUS_DATABASE_URL: cannot connect to PostgreSQL at ' +
        'postgres://root@127.0.0.1:1/x: connection refused. ' +
        'Check that the server runs and the URL is right.\n',
    );
  });

  test('a runner and `runners` refuse a store file that does not exist, creating nothing', () => {
    const missing = join(dir, 'nonexist', 'stratus.db');
    const runs = [
      ['runner', '--database', missing, '--data', dir],
      ['runners', 'create-token', '--database', missing],
      ['runners', 'list', '--database', missing],
    ];
    for (const args of runs) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(
        r.stderr,
        `stratus: --database/STRATUS_DATABASE_URL: no Stratus store at ${missing}; ` +
          'start `stratus serve` with the same --database first\n',
      );
    }
    assert.equal(existsSync(join(dir, 'nonexist')), false);
  });

  test('a runner refuses a URL of another database, naming the flag', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'runner', '--database', 'mysql://x/y', '--data', dir],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^stratus: --database must be a SQLite file path or a postgres:\/\//);
  });
});
