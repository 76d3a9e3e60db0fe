import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { residentBytes, spawnRunner, type RunnerChild } from './runner-fixture.ts';

const CAP = 64 * 1024 * 1024;
// 200 MB keeps the suite quick; FLOOD_MB=500 gives the figure in the README.
const floodBytes = Number(process.env.FLOOD_MB ?? 200) * 1_000_000;

describe('a build step that floods its output', () => {
  let h: Harness;
  let runner: RunnerChild | null = null;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Flood', [
            {
              name: 'Flood',
              actionType: 'BUILD',
              command: `yes 'a line of build output, said again and again and again' | head -c ${floodBytes}`,
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

  test('is capped with a marker line while the runner process stays small', async (t) => {
    runner = await spawnRunner(['--database', h.database, '--data', h.dataDir]);
    const idle = residentBytes(runner.pid)!;
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, residentBytes(runner!.pid) ?? 0);
    }, 50);

    const flood = await discover(h.api, 'Flood');
    const run = (
      await h.api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(flood.workflow.id, flood.ref('refs/heads/main').id),
      )
    ).json.data;
    const ended = await waitForRun(h.api, run.id, 300_000);
    clearInterval(sampler);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    t.diagnostic(`flood ${floodBytes / 1e6} MB: runner RSS idle ${mb(idle)}, peak ${mb(peak)}`);

    assert.equal(ended.attributes.completionStatus, 'SUCCEEDED');
    const dir = join(h.dataDir, 'logs', run.id, '0');
    const combined = statSync(join(dir, 'action.log')).size;
    const step = statSync(join(dir, 'xcodebuild.log')).size;
    assert.ok(combined <= CAP + 200, `combined log ${combined} bytes is within the cap`);
    assert.ok(step <= CAP, `step log ${step} bytes is within the cap`);
    assert.ok(step > CAP / 4, 'the log holds output up to the cap');
    const tail = readFileSync(join(dir, 'xcodebuild.log'), 'utf8').slice(-200);
    assert.match(tail, /\[log capped at 67108864 bytes; further output was dropped\]\n$/);
    // Memory is not a timing: the runner must not hold the flood, whatever the machine's speed.
    assert.ok(peak - idle < 256 * 1024 * 1024, `runner grew by ${mb(peak - idle)}`);
  });
});
