/**
 * The disk fills while an action writes its log: the log folder is a small
 * tmpfs, so the writes fail with a real ENOSPC. The run ends ERRORED with an
 * issue saying the disk is full, the server stays up, and what was recorded
 * stays in the store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { discover, startBody, startHarness, waitForRun, type Harness } from '../support/harness.ts';

describe('the disk fills while an action writes its log', () => {
  let h: Harness;
  let logs: string;
  let mounted = false;
  let skip: string | false = false;

  before(async () => {
    h = await startHarness({
      runners: 1,
      editConfig(config) {
        const manual = { source: { isAllMatch: true } };
        config.products[0].workflows.push(
          {
            name: 'Flood',
            manualBranchStartCondition: manual,
            actions: [
              {
                name: 'Talk a lot',
                actionType: 'BUILD',
                command: 'for i in $(seq 1 20000); do echo "line $i of a long build log"; done',
              },
            ],
          },
          {
            name: 'Quick',
            manualBranchStartCondition: manual,
            actions: [{ name: 'Echo', actionType: 'BUILD', command: 'echo done' }],
          },
        );
      },
    });
    logs = join(h.dataDir, 'logs');
    mkdirSync(logs, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logs], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      skip = `cannot mount a small tmpfs here (needs root): ${(error as Error).message.trim()}`;
    }
  });
  after(async () => {
    if (mounted) execFileSync('umount', ['-l', logs]);
    await h?.close();
  });

  test('the run ends ERRORED saying the disk is full; the server keeps working', async (t) => {
    if (skip) return t.skip(skip);
    const flood = await discover(h.api, 'Flood');
    const started = await h.api.request('POST', '/v1/ciBuildRuns', startBody(flood.workflow.id));
    assert.equal(started.status, 201);
    const run = await waitForRun(h.api, started.json.data.id, 60_000);
    assert.equal(run.attributes.completionStatus, 'ERRORED');
    assert.equal(run.attributes.issueCounts.errors, 1);

    const [action] = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    assert.equal(action.attributes.completionStatus, 'ERRORED');
    const issues = await h.api.all(`/v1/ciBuildActions/${action.id}/issues`);
    assert.equal(issues.length, 1);
    assert.match(issues[0].attributes.message, /^The disk is full: .*\(ENOSPC\)/);
    // What was written before the disk filled is kept, in the action's log bundle.
    const artifacts = await h.api.all(`/v1/ciBuildActions/${action.id}/artifacts`);
    assert.deepEqual(
      artifacts.map((a) => a.attributes.fileType),
      ['LOG_BUNDLE'],
    );
    assert.ok(artifacts[0].attributes.fileSize > 0);

    // With space again, the same server builds the next run.
    execFileSync('umount', [logs]);
    mounted = false;
    const quick = await discover(h.api, 'Quick');
    const next = await h.api.request('POST', '/v1/ciBuildRuns', startBody(quick.workflow.id));
    assert.equal(next.status, 201);
    assert.equal(next.json.data.attributes.number, run.attributes.number + 1);
    const done = await waitForRun(h.api, next.json.data.id, 60_000);
    assert.equal(done.attributes.completionStatus, 'SUCCEEDED');
  });
});
