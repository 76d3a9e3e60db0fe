import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { spawnRunner, type RunnerChild } from './runner-fixture.ts';

const secrets = {
  STRATUS_RUNNER_TOKEN: 'srt_not-a-real-token-but-long-enough',
  DATABASE_URL: 'postgres://builder:pw-in-url@127.0.0.1:5432/prod',
  MY_API_SECRET: 'hunter2hunter2',
  APPLE_SIGNING_KEY: 'signing-key-material',
  GITHUB_TOKEN: 'ghp_pretend',
  AWS_ACCESS_KEY_ID: 'AKIAPRETEND',
};

// A build step that prints what it was given, on a `stratus runner` process.
describe('build processes of a runner process', () => {
  let h: Harness;
  let runner: RunnerChild | null = null;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Dump', [
            {
              name: 'Dump',
              actionType: 'BUILD',
              command: 'env; echo "PID=$$ PGID=$(cut -d" " -f5 /proc/$$/stat)"; echo "CWD=$(pwd)"',
            },
          ]),
        );
      },
    });
  });

  after(async () => {
    await runner?.stop();
    await h.close();
  });

  async function dumpRun(extraArgs: string[]) {
    const database = h.database;
    runner = await spawnRunner(['--database', database, '--data', h.dataDir, ...extraArgs], {
      ...secrets,
      // Named innocently, but it holds the database location: dropped for its value.
      BUILD_HELPER_DB: database,
      KEEP_ME: 'visible',
    });
    const dump = await discover(h.api, 'Dump');
    const run = (
      await h.api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(dump.workflow.id, dump.ref('refs/heads/main').id),
      )
    ).json.data;
    const ended = await waitForRun(h.api, run.id, 60_000);
    await runner.stop();
    runner = null;
    assert.equal(ended.attributes.completionStatus, 'SUCCEEDED');
    const log = readFileSync(join(h.dataDir, 'logs', run.id, '0', 'xcodebuild.log'), 'utf8');
    return { runId: run.id, log };
  }

  test('get a scrubbed environment, their own process group and the workspace as cwd', async () => {
    const { runId, log } = await dumpRun([]);
    const names = [...log.matchAll(/^\[\+[\d.]+s\] ([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]);
    assert.ok(names.includes('KEEP_ME'), 'ordinary variables pass through');
    assert.ok(names.includes('CI_BUILD_NUMBER'), "Xcode Cloud's variables are set");
    for (const name of [...Object.keys(secrets), 'BUILD_HELPER_DB']) {
      assert.ok(!names.includes(name), `${name} must not reach the build`);
    }
    assert.deepEqual(
      names.filter((n) => n!.startsWith('STRATUS_')),
      [],
    );
    for (const value of Object.values(secrets)) assert.ok(!log.includes(value), value);
    assert.ok(!log.includes(h.database), 'the database location stays hidden');

    const ids = /^\[\+[\d.]+s\] PID=(\d+) PGID=(\d+)$/m.exec(log);
    assert.ok(ids, 'the step printed its ids');
    assert.equal(ids[1], ids[2], 'the step leads its own process group');
    const cwd = /^\[\+[\d.]+s\] CWD=(\S+)$/m.exec(log)?.[1];
    assert.equal(cwd, join(h.dataDir, 'workspaces', runId, '0', 'repository'));
    assert.equal(existsSync(join(h.dataDir, 'workspaces', runId)), false, 'workspace removed');
  });

  test('keep their workspace with --keep-workspaces', async () => {
    const { runId } = await dumpRun(['--keep-workspaces']);
    assert.equal(existsSync(join(h.dataDir, 'workspaces', runId, '0', 'repository')), true);
  });
});
