/**
 * Keyset cursors while the list grows: runs started between two pages neither
 * repeat nor hide any run that existed when paging began, in either order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

type Json = any;

describe('cursors stay stable while runs are added', () => {
  let h: Harness;
  let workflowId: string;

  before(async () => {
    h = await startHarness({ runners: 0 });
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
});
