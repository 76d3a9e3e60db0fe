/**
 * The benchmark's seeding, on a small count: the rows it writes are runs the
 * API serves, counted, paged and numbered like real ones.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { seedBuildRuns } from '../../bench/seed-build-runs.ts';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

describe('seeding build runs for the benchmark', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ runners: 0 });
  });
  after(() => h.close());

  test('writes runs the API lists, counts and numbers on from', async (t) => {
    if (h.stratus.store.dialect !== 'sqlite') {
      t.skip('the seeding writes straight into the SQLite file; this pass uses PostgreSQL');
      return;
    }
    const { product, workflow, ref } = await discover(h.api);
    const db = new SQLite(h.database);
    const seeded = seedBuildRuns(db, {
      productId: product.id,
      workflowId: workflow.id,
      sourceRefId: ref('refs/heads/main').id,
      count: 1234,
    });
    db.close();
    assert.deepEqual(seeded, { firstNumber: 1, lastNumber: 1234 });

    const path = `/v1/ciWorkflows/${workflow.id}/buildRuns?limit=200&sort=-number`;
    const page = await h.api.get(path);
    assert.equal(page.meta.paging.total, 1234);
    assert.deepEqual(
      page.data.slice(0, 2).map((r: any) => r.attributes.number),
      [1234, 1233],
    );
    assert.equal(page.data[0].attributes.executionProgress, 'COMPLETE');
    assert.equal((await h.api.all(path)).length, 1234);

    const started = await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflow.id));
    assert.equal(started.status, 201);
    assert.equal(started.json.data.attributes.number, 1235);
  });
});
