import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// No runner slots: three PENDING runs are a list of three.
describe('paging cursors', () => {
  let h: Harness;
  let runs: string;

  before(async () => {
    h = await startHarness({ runners: 0 });
    const { workflow } = await discover(h.api);
    for (let i = 0; i < 3; i++) {
      const r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflow.id));
      assert.equal(r.status, 201);
    }
    runs = `/v1/ciWorkflows/${workflow.id}/buildRuns`;
  });
  after(() => h.close());

  async function refusesCursor(url: string) {
    const r = await h.api.request('GET', url);
    assert.equal(r.status, 400, JSON.stringify(r.json));
    const [error] = r.json.errors;
    assert.equal(error.code, 'PARAMETER_ERROR.INVALID');
    assert.deepEqual(error.source, { parameter: 'cursor' });
    assert.match(error.detail, /first page/);
  }

  test('a cursor continues the list and order it came from', async () => {
    const first = await h.api.get(`${runs}?sort=-number&limit=1`);
    assert.equal(first.data[0].attributes.number, 3);
    const second = await h.api.get(first.links.next);
    assert.equal(second.data[0].attributes.number, 2);
    const ascending = await h.api.get(`${runs}?limit=1`);
    const next = await h.api.get(ascending.links.next);
    assert.equal(next.data[0].attributes.number, 2);
  });

  test('a cursor used with another sort is refused', async () => {
    const first = await h.api.get(`${runs}?sort=-number&limit=1`);
    const cursor = first.meta.paging.nextCursor;
    await refusesCursor(`${runs}?limit=1&cursor=${cursor}`);
    await refusesCursor(`${runs}?sort=number&limit=1&cursor=${cursor}`);
    const plain = (await h.api.get(`${runs}?limit=1`)).meta.paging.nextCursor;
    await refusesCursor(`${runs}?sort=-number&cursor=${plain}`);
  });

  test('a cursor taken from another kind of list is refused', async () => {
    const products = await h.api.get('/v1/ciProducts?limit=1');
    assert.equal(products.links.next, undefined);
    const cursor = (await h.api.get(`${runs}?limit=1`)).meta.paging.nextCursor;
    await refusesCursor(`/v1/ciProducts?cursor=${cursor}`);
  });

  test('forged or malformed cursors are refused', async () => {
    for (const forged of [b64([5, 'x']), b64([-1, '']), b64({ offset: '2' }), 'abc', '!!']) {
      await refusesCursor(`${runs}?cursor=${forged}`);
    }
  });
});
