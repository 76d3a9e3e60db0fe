import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AscFetch } from '../../scripts/asc-fetch.ts';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));

/** `stratus serve` as its own process, resolving once it prints where it listens. */
function serve(h: Harness): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--data',
      h.dataDir,
      '--database',
      h.database,
      '--config',
      h.configPath,
      '--port',
      '0',
      '--lease-seconds',
      '2',
      '--runners',
      '1',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /serving the App Store Connect API at (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

// The runner holding the slow run is killed with SIGKILL: nothing gets to clean up.
describe('a server killed with SIGKILL loses no run', () => {
  let h: Harness;
  let child: ChildProcess | null = null;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Slow', [{ name: 'Wait', actionType: 'BUILD', command: 'sleep 47' }]),
        );
      },
    });
    await h.stratus.close();
  });
  after(async () => {
    child?.kill('SIGKILL');
    // The killed server's build step was in its own process group and outlives it.
    try {
      execFileSync('pkill', ['-f', 'sleep 47']);
    } catch {
      /* none left */
    }
    await h.close().catch(() => {});
  });

  test('the running run ends ERRORED with an issue saying why; the queued one still runs', async () => {
    const first = await serve(h);
    child = first.child;
    let api = new AscFetch(first.url, { ...h.key, privateKeyPem: h.privateKeyPem });
    const slow = await discover(api, 'Slow');
    const ci = await discover(api, 'CI');
    const slowRun = (
      await api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(slow.workflow.id, slow.ref('refs/heads/main').id),
      )
    ).json.data;
    const queued = (
      await api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(ci.workflow.id, ci.ref('refs/heads/main').id),
      )
    ).json.data;

    for (let i = 0; i < 200; i++) {
      const [action] = await api.all(`/v1/ciBuildRuns/${slowRun.id}/actions`);
      if (action.attributes.executionProgress === 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    const second = await serve(h);
    child = second.child;
    api = new AscFetch(second.url, { ...h.key, privateKeyPem: h.privateKeyPem });

    const ended = await waitForRun(api, slowRun.id, 60_000);
    assert.equal(ended.attributes.completionStatus, 'ERRORED');
    const [action] = await api.all(`/v1/ciBuildRuns/${slowRun.id}/actions`);
    assert.equal(action.attributes.completionStatus, 'ERRORED');
    const issues = await api.all(`/v1/ciBuildActions/${action.id}/issues`);
    assert.ok(issues.some((i) => /stopped responding/.test(i.attributes.message)));
    assert.equal(ended.attributes.issueCounts.errors, 1);

    const done = await waitForRun(api, queued.id, 120_000);
    assert.equal(done.attributes.completionStatus, 'FAILED');
    assert.equal(done.attributes.number, 2);
  });
});
