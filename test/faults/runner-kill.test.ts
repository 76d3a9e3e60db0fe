import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/store.ts';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { isAlive, spawnRunner, until, type RunnerChild } from './runner-fixture.ts';
import { harnessEnv, runCli } from '../support/run-cli.ts';

// `stratus runner` processes on the server's SQLite store, one of them killed with SIGKILL.
describe('a runner process killed with SIGKILL', () => {
  let h: Harness;
  let scratch: string;
  const runners: RunnerChild[] = [];
  const database = () => h.database;
  const stepPids = (): number[] => {
    try {
      return readFileSync(join(scratch, 'step.pid'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const runnerArgs = () => ['--database', database(), '--data', h.dataDir, '--lease-seconds', '1'];

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'stratus-kill-'));
    h = await startHarness({
      runners: 0,
      flags: { 'lease-seconds': '1' },
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Slow', [
            {
              name: 'Wait',
              actionType: 'BUILD',
              command: `echo $$ >> ${scratch}/step.pid; exec sleep 120`,
            },
          ]),
        );
        config.products[0].workflows.push(
          manualWorkflow('Quick', [{ name: 'Echo', actionType: 'BUILD', command: 'echo quick' }]),
        );
      },
    });
  });

  after(async () => {
    for (const r of runners) await r.stop();
    // The killed runner's build step led its own process group and outlived it.
    for (const pid of stepPids()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await h.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Starts the workflow whose step sleeps, on main, and returns the run. */
  async function startSlowRun() {
    const slow = await discover(h.api, 'Slow');
    const started = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(slow.workflow.id, slow.ref('refs/heads/main').id),
    );
    assert.equal(started.status, 201, JSON.stringify(started.json));
    return started.json.data;
  }

  test('mid-action: the lease lapses and the run ends ERRORED, saying the runner stopped', async () => {
    const runner = await spawnRunner(runnerArgs());
    runners.push(runner);
    const run = await startSlowRun();

    await until('the step to start', () => (stepPids().length === 1 ? true : undefined));
    runner.child.kill('SIGKILL');
    await until('the runner to die', () => (isAlive(runner.pid) ? undefined : true));

    // Nobody else runs builds: the server's queue upkeep reaps the lapsed lease.
    const ended = await waitForRun(h.api, run.id, 30_000);
    assert.equal(ended.attributes.completionStatus, 'ERRORED');
    const [action] = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    assert.equal(action.attributes.completionStatus, 'ERRORED');
    const issues = await h.api.all(`/v1/ciBuildActions/${action.id}/issues`);
    assert.equal(issues.length, 1);
    assert.match(issues[0].attributes.message, /runner performing this action stopped responding/);
    assert.equal(ended.attributes.issueCounts.errors, 1);
    // Its action never bundled a log: `builds logs` says so plainly, not "yet".
    const logs = await runCli(['builds', 'logs', run.id], harnessEnv(h));
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout + logs.stderr, /is complete and has no log bundles/);
  });

  test('over HTTP, mid-action: the server reaps the lapsed lease the same way', async () => {
    const { token } = await h.stratus.store.runnerTokens.create('remote');
    const remote = await spawnRunner([
      '--server',
      h.stratus.url,
      '--token',
      token,
      '--data',
      scratch,
    ]);
    runners.push(remote);
    const run = await startSlowRun();
    await until('the step to start', () => (stepPids().length === 2 ? true : undefined));
    remote.child.kill('SIGKILL');

    const ended = await waitForRun(h.api, run.id, 30_000);
    assert.equal(ended.attributes.completionStatus, 'ERRORED');
    const [action] = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    const issues = await h.api.all(`/v1/ciBuildActions/${action.id}/issues`);
    assert.equal(issues.length, 1);
    assert.match(issues[0].attributes.message, /stopped responding/);
  });

  test('before any action: the run goes back to the queue once and another runner does it', async () => {
    const quick = await discover(h.api, 'Quick');
    const start = () =>
      h.api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(quick.workflow.id, quick.ref('refs/heads/main').id),
      );
    const store = await Store.open(database());
    try {
      // A runner that claimed and died before its first action leaves exactly this behind:
      // a lease on a PENDING run that nobody renews. This run is left so twice.
      const twice = (await start()).json.data;
      for (let attempt = 1; attempt <= 2; attempt++) {
        await until(`claim ${attempt} of the run`, async () => {
          const row = await store.runs.claim(`runner-that-died-${attempt}`, 1000);
          if (row) assert.equal(row.id, twice.id);
          return row ?? undefined;
        });
      }
      // It is not queued a third time.
      const gaveUp = await waitForRun(h.api, twice.id, 30_000);
      assert.equal(gaveUp.attributes.completionStatus, 'ERRORED');
      const [action] = await h.api.all(`/v1/ciBuildRuns/${twice.id}/actions`);
      const issues = await h.api.all(`/v1/ciBuildActions/${action.id}/issues`);
      assert.match(issues[0].attributes.message, /stopped responding/);

      // Left so once, the run goes back to the queue and a live runner performs it.
      const retried = (await start()).json.data;
      const claimed = await store.runs.claim('runner-that-died', 1000);
      assert.equal(claimed?.id, retried.id);
      const runner = await spawnRunner(runnerArgs());
      runners.push(runner);
      const done = await waitForRun(h.api, retried.id, 30_000);
      assert.equal(done.attributes.completionStatus, 'SUCCEEDED');
      const row = await store.runs.run(retried.id);
      assert.equal(row?.attempts, 2);
      assert.equal(row?.lease_owner, null);
    } finally {
      await store.close();
    }
  });
});
