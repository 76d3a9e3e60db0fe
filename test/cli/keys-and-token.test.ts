/** `keys create` and `token` refuse or repair what would otherwise fail later. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cleanEnv, runCli } from '../support/run-cli.ts';

describe('keys create and token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-keys-'));
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // A SQLite store of its own: this test needs no server.
    const out = join(dir, 'not', 'yet', 'keys');
    const r = await runCli(
      ['keys', 'create', '--data', join(dir, 'data'), '--out', out, '--json'],
      cleanEnv(),
    );
    assert.equal(r.code, 0, r.stderr);
    const key = JSON.parse(r.stdout);
    assert.equal(dirname(key.privateKeyPath), out);
    assert.ok(existsSync(key.privateKeyPath));
    assert.equal(statSync(out).mode & 0o777, 0o700);
    env = cleanEnv({
      ASC_ISSUER_ID: key.issuerId,
      ASC_KEY_ID: key.keyId,
      ASC_PRIVATE_KEY_PATH: key.privateKeyPath,
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('keys create makes a missing --out folder, private to its owner', () => {
    // Checked in before(): the key was written there.
    assert.ok(existsSync(join(dir, 'not', 'yet', 'keys')));
  });

  test('token refuses a long lifetime without a scope the server would honour', async () => {
    const bare = await runCli(['token', '--lifetime', '99999'], env);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /over 1200 seconds \(20 minutes\) needs --scope/);
    assert.match(bare.stderr, /give one or a shorter --lifetime/);

    const apps = await runCli(['token', '--lifetime', '2h', '--scope', 'GET /v1/apps'], env);
    assert.equal(apps.code, 2);
    assert.equal(apps.stdout, '');
    assert.match(apps.stderr, /long-lived resources .*got "GET \/v1\/apps"/);

    const fine = await runCli(['token', '--lifetime', '2h', '--scope', 'GET /v1/ciProducts'], env);
    assert.equal(fine.code, 0, fine.stderr);
    const short = await runCli(['token', '--lifetime', '1200'], env);
    assert.equal(short.code, 0, short.stderr);
  });
});
