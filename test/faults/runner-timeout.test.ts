import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { isAlive } from './runner-fixture.ts';

// A build step that never ends, with children and a grandchild that ignores SIGTERM.
describe('an action past its time limit', () => {
  let h: Harness;
  let scratch: string;
  const pids = () =>
    readFileSync(join(scratch, 'pids'), 'utf8').trim().split('\n').map(Number).filter(Boolean);

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'stratus-timeout-'));
    const file = join(scratch, 'pids');
    h = await startHarness({
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Hang', [
            {
              name: 'Hang',
              actionType: 'BUILD',
              timeoutMinutes: 0.05,
              command:
                `echo $$ >> ${file}; ` +
                `sh -c 'trap "" TERM; echo $$ >> ${file}; while :; do sleep 1; done' & ` +
                `sh -c 'sleep 300 & echo $! >> ${file}; wait' & ` +
                'wait',
            },
          ]),
        );
      },
    });
  });

  after(async () => {
    for (const pid of pids()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await h.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('ends ERRORED with an issue naming the limit, and no process of it survives', async () => {
    const hang = await discover(h.api, 'Hang');
    const run = (
      await h.api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(hang.workflow.id, hang.ref('refs/heads/main').id),
      )
    ).json.data;
    const ended = await waitForRun(h.api, run.id, 60_000);

    assert.equal(ended.attributes.completionStatus, 'ERRORED');
    const [action] = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    assert.equal(action.attributes.completionStatus, 'ERRORED');
    const issues = await h.api.all(`/v1/ciBuildActions/${action.id}/issues`);
    assert.equal(issues.length, 1);
    assert.match(issues[0].attributes.message, /longer than its time limit of 3 seconds/);

    // The step's shell, the shell that ignores SIGTERM, and the grandchild sleep.
    const started = pids();
    assert.equal(started.length, 3);
    assert.deepEqual(
      started.filter((pid) => isAlive(pid)),
      [],
    );
  });
});
