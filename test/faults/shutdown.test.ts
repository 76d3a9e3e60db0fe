import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AscFetch } from '../../scripts/asc-fetch.ts';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { spawnRunner, until } from './runner-fixture.ts';
import { killHard, serveProcess, type ServeProcess } from './serve-process.ts';

// `stratus serve` and `stratus runner` as real processes, stopped with SIGTERM mid-action.
describe('a server or runner stopped with SIGTERM while a build runs', () => {
  let h: Harness;
  let scratch: string;
  let server: ServeProcess | null = null;
  const steps = (): number =>
    (() => {
      try {
        return readFileSync(join(scratch, 'step.pid'), 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    })();

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'stratus-shutdown-'));
    h = await startHarness({
      runners: 0,
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
      },
    });
  });

  after(async () => {
    if (server) await killHard(server.child);
    await h.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function startSlow(api: AscFetch): Promise<string> {
    const slow = await discover(api, 'Slow');
    const started = await api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(slow.workflow.id, slow.ref('refs/heads/main').id),
    );
    assert.equal(started.status, 201);
    return started.json.data.id;
  }

  async function assertShutDown(runId: string) {
    const ended = await waitForRun(h.api, runId, 30_000);
    assert.equal(ended.attributes.completionStatus, 'ERRORED');
    const [action] = await h.api.all(`/v1/ciBuildRuns/${runId}/actions`);
    assert.equal(action.attributes.completionStatus, 'ERRORED');
    const issues = await h.api.all(`/v1/ciBuildActions/${action.id}/issues`);
    assert.deepEqual(
      issues.map((i) => i.attributes.message),
      [issues[0].attributes.message],
    );
    assert.match(issues[0].attributes.message, /shut down .* while the action ran/);
    assert.doesNotMatch(issues[0].attributes.message, /canceled/);
  }

  test('stratus serve: the running build ends ERRORED, not CANCELED, and it is logged', async () => {
    // The harness's own server keeps the API; a second process on the store performs runs.
    server = await serveProcess({
      data: h.dataDir,
      database: h.database,
      config: h.configPath,
      runners: '1',
      'log-level': 'info',
    });
    const runId = await startSlow(h.api);
    await until('the step to start', () => (steps() === 1 ? true : undefined));
    const exited = new Promise<number | null>((r) => server!.child.once('exit', (c) => r(c)));
    server.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(server.output(), /shutting down; running builds end ERRORED/);
    server = null;
    await assertShutDown(runId);
  });

  test('stratus runner: the same', async () => {
    const runner = await spawnRunner(['--database', h.database, '--data', h.dataDir]);
    const runId = await startSlow(h.api);
    await until('the step to start', () => (steps() === 2 ? true : undefined));
    await runner.stop();
    assert.equal(runner.child.exitCode, 0);
    assert.match(runner.output(), /shutting down; running builds end ERRORED/);
    await assertShutDown(runId);
  });
});
