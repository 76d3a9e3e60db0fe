/** A database that cannot be used stops `stratus` at start with a message naming the setting. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresServerUrl } from '../support/test-database.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stratus-cli-'));

function stratus(args: string[], env: Record<string, string> = {}) {
  const out = args[0] === 'keys' ? ['--out', dir] : [];
  const result = spawnSync(process.execPath, [bin, ...args, '--data', dir, ...out], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  return result;
}

describe('the --database setting', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a URL of another database is refused, naming the flag', () => {
    const r = stratus(['keys', 'create', '--database', 'mysql://root@127.0.0.1/stratus']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--database must be a SQLite file path or a postgres:\/\/ URL/);
  });

  test('a PostgreSQL URL with no database is refused, naming the variable', () => {
    const r = stratus(['keys', 'create'], { STRATUS_DATABASE_URL: 'postgres://root:pw@127.0.0.1' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /STRATUS_DATABASE_URL names no database/);
    assert.doesNotMatch(r.stderr, /:pw@/, 'the password is not shown');
  });

  test('an unreachable server is one line saying so, for serve and keys create', () => {
    for (const command of [
      ['serve', '--port', '0'],
      ['keys', 'create'],
    ]) {
      const r = stratus([...command, '--database', 'postgres://root@127.0.0.1:1/stratus']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        /^stratus: --database\/STRATUS_DATABASE_URL: cannot connect to PostgreSQL at postgres:\/\/root@127\.0\.0\.1:1\/stratus: connection refused\./,
      );
    }
  });

  test('a database that does not exist on the server is named as such', () => {
    const url = new URL(postgresServerUrl);
    url.pathname = '/stratus_test_absent_database';
    const r = stratus(['keys', 'create', '--database', url.toString()]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot connect to PostgreSQL .*: the database does not exist/);
  });
});
