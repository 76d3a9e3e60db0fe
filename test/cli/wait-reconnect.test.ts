import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, type Harness, manualWorkflow } from '../support/harness.ts';
import { harnessEnv, runCli } from '../support/run-cli.ts';
import { spawnRunner, until, type RunnerChild } from '../faults/runner-fixture.ts';

// A real server stopped and started again on its port while `builds start --wait` follows a run.
describe('builds start --wait across a server restart', () => {
  let h: Harness;
  let runner: RunnerChild;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Slow', [
            { name: 'Wait', actionType: 'BUILD', command: 'sleep 8; echo done' },
          ]),
        );
      },
    });
    // The run is performed by a runner process of its own, so it goes on while the API is down.
    runner = await spawnRunner(['--database', h.database, '--data', h.dataDir]);
  });

  after(async () => {
    await runner?.stop();
    await h.close();
  });

  test('reconnects with one line saying so and reports the outcome', async () => {
    const port = new URL(h.stratus.url).port;
    const env = harnessEnv(h);
    const waiting = runCli(
      [
        ...['builds', 'start', '--workflow', 'Slow', '--branch', 'main'],
        ...['--wait', '--interval', '0.2', '--timeout', '120'],
      ],
      env,
    );
    const store = h.stratus.store;
    await until('the run to start', async () => {
      const [run] = await store.runs.lapsed(new Date(Date.now() + 3_600_000));
      return run?.execution_progress === 'RUNNING' ? true : undefined;
    });
    const stopped = h.stratus;
    await stopped.close();
    stopped.close = async () => {}; // restart() below closes it again
    // Longer than the client's own retries of one request.
    await sleep(5000);
    await h.restart({ port });
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
    const notes = r.stderr.split('\n').filter((l) => /reconnect/.test(l));
    assert.equal(notes.length, 2, r.stderr);
    assert.match(notes[0]!, /^lost the server \(.*\); reconnecting…$/);
    assert.equal(notes[1], 'reconnected');
    assert.match(r.stdout, /^Greeter build 1 of 'Slow': SUCCEEDED/m);
  });
});
