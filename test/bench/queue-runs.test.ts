import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { queueRuns } from '../../bench/queue-runs.ts';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

describe("the engine benchmark's queueing helper", () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ runners: 0 });
  });
  after(() => h.close());

  test('queues copies of a run, numbered in order, waiting with their actions', async () => {
    const ci = await discover(h.api, 'CI');
    const first = (
      await h.api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(ci.workflow.id, ci.ref('refs/heads/main').id),
      )
    ).json.data;
    const ids = await queueRuns(h.stratus.store, first.id, 5);

    assert.equal(new Set(ids).size, 5);
    const runs = await h.stratus.store.runs.runs(ids);
    assert.deepEqual(
      runs.map((r) => r.number).sort((a, b) => a - b),
      [2, 3, 4, 5, 6],
    );
    const template = (await h.stratus.store.runs.run(first.id))!;
    for (const run of runs) {
      assert.equal(run.execution_progress, 'PENDING');
      assert.equal(run.plan, template.plan);
      assert.equal(run.requires_xcode, 0);
      const actions = await h.stratus.store.runs.actionsOfRun(run.id);
      assert.deepEqual(
        actions.map((a) => a.name),
        ['Build - macOS', 'Test - macOS'],
      );
    }
  });
});
