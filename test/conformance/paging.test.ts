/**
 * Keyset cursors while the list grows: runs started between two pages neither
 * repeat nor hide any run that existed when paging began, in either order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';
import { seedBuildRuns } from '../../bench/seed-build-runs.ts';

type Json = any;

describe('cursors stay stable while runs are added', () => {
  let h: Harness;
  let workflowId: string;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig: (config) => {
        const ci = config.products[0].workflows[0];
        config.products[0].workflows.push({ ...ci, name: 'Doomed' });
      },
    });
    workflowId = (await discover(h.api)).workflow.id;
  });
  after(() => h.close());

  const start = async () => {
    const r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflowId));
    assert.equal(r.status, 201);
    return r.json.data.id as string;
  };

  for (const sort of ['number', '-number']) {
    test(`sort=${sort}: every run that existed is seen once`, async () => {
      const before = [];
      for (let i = 0; i < 5; i++) before.push(await start());
      const existing = (await h.api.all(`/v1/ciWorkflows/${workflowId}/buildRuns?limit=200`)).map(
        (r: Json) => r.id,
      );

      const seen: string[] = [];
      let added = 0;
      let next: string | undefined = `/v1/ciWorkflows/${workflowId}/buildRuns?limit=2&sort=${sort}`;
      while (next) {
        const page: Json = await h.api.get(next);
        seen.push(...page.data.map((r: Json) => r.id));
        assert.equal(page.meta.paging.total, existing.length + added, 'total counts the live list');
        if (page.links.next) {
          const cursor = new URL(page.links.next).searchParams.get('cursor')!;
          assert.match(cursor, /^[A-Za-z0-9_-]+$/);
          for (const id of seen) assert.ok(!cursor.includes(id), 'the cursor shows no raw id');
          await start();
          added++;
        }
        next = page.links.next;
      }
      assert.equal(new Set(seen).size, seen.length, 'a run repeats across pages');
      for (const id of existing) assert.ok(seen.includes(id), `run ${id} was skipped`);
      for (const id of before) assert.ok(seen.includes(id));
    });
  }

  // Runs after the others: it deletes a workflow of the product.
  test('totals of run lists follow starts and deletions', async (t) => {
    if (h.stratus.store.dialect !== 'sqlite') {
      t.skip('the seeding writes straight into the SQLite file; this pass uses PostgreSQL');
      return;
    }
    const { product } = await discover(h.api);
    const doomed = (await discover(h.api, 'Doomed')).workflow;
    const totalOf = async (path: string) => (await h.api.get(`${path}?limit=1`)).meta.paging.total;
    const productRuns = `/v1/ciProducts/${product.id}/buildRuns`;
    const before = await totalOf(productRuns);
    assert.equal(await totalOf(`/v1/ciWorkflows/${doomed.id}/buildRuns`), 0);

    // Finished runs (a queued one would stop the delete), written as the benchmark writes them.
    const db = new SQLite(h.database);
    seedBuildRuns(db, {
      productId: product.id,
      workflowId: doomed.id,
      sourceRefId: null,
      count: 3,
    });
    db.close();
    assert.equal(await totalOf(`/v1/ciWorkflows/${doomed.id}/buildRuns`), 3);
    assert.equal(await totalOf(productRuns), before + 3);
    assert.equal((await h.api.all(`${productRuns}?limit=200`)).length, before + 3);

    const deleted = await h.api.request('DELETE', `/v1/ciWorkflows/${doomed.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(await totalOf(productRuns), before);
    assert.equal((await h.api.all(`${productRuns}?limit=200`)).length, before);
  });
});
