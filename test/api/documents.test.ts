import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { discover, startHarness, type Harness } from '../support/harness.ts';

/** The server refetches a repository at most once a second; let that second pass. */
const settle = () => new Promise((r) => setTimeout(r, 1100));

describe('JSON:API documents as App Store Connect writes them', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof discover>>;

  before(async () => {
    h = await startHarness({ runners: 0 });
    ids = await discover(h.api);
  });
  after(() => h.close());

  test('every response is exactly application/json and carries the hourly budget', async () => {
    const ok = await h.api.request('GET', '/v1/ciProducts');
    assert.equal(ok.headers.get('content-type'), 'application/json');
    assert.match(ok.headers.get('x-rate-limit') ?? '', /^user-hour-lim:3600;user-hour-rem:\d+;$/);
    const missing = await h.api.request('GET', '/v1/ciBuildRuns/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/json');
  });

  test('a product lists every attribute and links-only relationships', async () => {
    const doc = await h.api.get(`/v1/ciProducts/${ids.product.id}`);
    const base = h.stratus.url;
    assert.deepEqual(Object.keys(doc.data.attributes), ['name', 'createdDate', 'productType']);
    assert.equal(doc.data.attributes.name, 'Greeter');
    assert.equal(doc.data.attributes.productType, 'APP');
    assert.match(doc.data.attributes.createdDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(doc.data.relationships.workflows, {
      links: {
        self: `${base}/v1/ciProducts/${ids.product.id}/relationships/workflows`,
        related: `${base}/v1/ciProducts/${ids.product.id}/workflows`,
      },
    });
    // bundleId has no links in the contract: it appears only when included.
    assert.equal(doc.data.relationships.bundleId, undefined);
    assert.deepEqual(doc.links, { self: `${base}/v1/ciProducts/${ids.product.id}` });
  });

  test('a workflow hides Stratus-only action settings and sends nulls', async () => {
    const doc = await h.api.get(`/v1/ciWorkflows/${ids.workflow.id}?include=repository`);
    const a = doc.data.attributes;
    assert.equal(a.description, 'Build and test every manual start');
    assert.equal(a.branchStartCondition, null);
    assert.equal(a.isLockedForEditing, false);
    assert.equal(a.clean, false);
    assert.equal(a.actions.length, 2);
    assert.deepEqual(Object.keys(a.actions[0]).sort(), [
      'actionType',
      'buildDistributionAudience',
      'destination',
      'isRequiredToPass',
      'name',
      'platform',
      'scheme',
      'testConfiguration',
    ]);
    assert.equal(a.actions[1].testConfiguration, null);
    assert.deepEqual(doc.data.relationships.repository.data, {
      type: 'scmRepositories',
      id: ids.repository.id,
    });
    assert.equal(doc.included.length, 1);
    assert.equal(doc.included[0].type, 'scmRepositories');
    assert.equal(doc.included[0].attributes.repositoryName, 'repo');
  });

  test('fields[...] trims attributes and relationships; include is re-serialised sorted', async () => {
    const path = `/v1/ciProducts/${ids.product.id}?fields[ciProducts]=name,workflows&include=primaryRepositories`;
    const doc = await h.api.get(path);
    assert.deepEqual(doc.data.attributes, { name: 'Greeter' });
    assert.deepEqual(Object.keys(doc.data.relationships), ['workflows']);
    assert.equal(
      doc.links.self,
      `${h.stratus.url}/v1/ciProducts/${ids.product.id}?fields%5BciProducts%5D=name%2Cworkflows&include=primaryRepositories`,
    );
    const withRepos = await h.api.get(
      `/v1/ciProducts/${ids.product.id}?include=primaryRepositories`,
    );
    assert.deepEqual(withRepos.data.relationships.primaryRepositories.meta, {
      paging: { total: 1, limit: 50 },
    });
    assert.equal(withRepos.included[0].id, ids.repository.id);
  });

  test('git references page with opaque cursors to the end, next only when a page follows', async () => {
    for (let i = 0; i < 7; i++)
      execFileSync('git', ['branch', `feature/${i}`], { cwd: h.repoPath });
    await settle();
    const first = await h.api.get(`/v1/scmRepositories/${ids.repository.id}/gitReferences?limit=3`);
    assert.equal(first.data.length, 3);
    assert.equal(first.meta.paging.total, 9);
    assert.equal(first.meta.paging.limit, 3);
    assert.match(first.links.next, /\?cursor=[A-Za-z0-9_-]+&limit=3$/);
    assert.equal(
      first.meta.paging.nextCursor,
      new URL(first.links.next).searchParams.get('cursor'),
    );
    const all = await h.api.all(`/v1/scmRepositories/${ids.repository.id}/gitReferences?limit=3`);
    assert.equal(all.length, 9);
    assert.equal(new Set(all.map((r) => r.id)).size, 9);
    const last = await h.api.get(
      `/v1/scmRepositories/${ids.repository.id}/gitReferences?limit=200`,
    );
    assert.equal(last.links.next, undefined);
    assert.equal(last.meta.paging.nextCursor, undefined);
    const tag = all.find((r) => r.attributes.canonicalName === 'refs/tags/v1.0');
    assert.deepEqual(tag.attributes, {
      name: 'v1.0',
      canonicalName: 'refs/tags/v1.0',
      isDeleted: false,
      kind: 'TAG',
    });
  });

  test('a deleted branch stays listed with isDeleted true', async () => {
    execFileSync('git', ['branch', 'short-lived'], { cwd: h.repoPath });
    await settle();
    await h.api.all(`/v1/scmRepositories/${ids.repository.id}/gitReferences?limit=200`);
    execFileSync('git', ['branch', '-D', 'short-lived'], { cwd: h.repoPath });
    await settle();
    const refs = await h.api.all(
      `/v1/scmRepositories/${ids.repository.id}/gitReferences?limit=200`,
    );
    const gone = refs.find((r) => r.attributes.name === 'short-lived');
    assert.equal(gone.attributes.isDeleted, true);
  });

  const errorCases: [string, string, number, string, string][] = [
    ['unknown parameter', '/v1/ciProducts?bogus=1', 400, 'PARAMETER_ERROR.ILLEGAL', 'bogus'],
    [
      'sort where none is declared',
      '/v1/ciProducts?sort=name',
      400,
      'PARAMETER_ERROR.ILLEGAL',
      'sort',
    ],
    [
      'unknown field name',
      '/v1/ciProducts?fields[ciProducts]=status',
      400,
      'PARAMETER_ERROR.INVALID',
      'fields[ciProducts]',
    ],
    ['unknown include', '/v1/ciProducts?include=builds', 400, 'PARAMETER_ERROR.INVALID', 'include'],
    ['limit over the maximum', '/v1/ciProducts?limit=201', 400, 'PARAMETER_ERROR.INVALID', 'limit'],
    ['limit not a number', '/v1/ciProducts?limit=ten', 400, 'PARAMETER_ERROR.INVALID', 'limit'],
    ['limit zero', '/v1/ciProducts?limit=0', 400, 'PARAMETER_ERROR.INVALID', 'limit'],
    [
      'bad filter value',
      '/v1/ciProducts?filter[productType]=GAME',
      400,
      'PARAMETER_ERROR.INVALID',
      'filter[productType]',
    ],
    ['forged cursor', '/v1/ciProducts?cursor=!!', 400, 'PARAMETER_ERROR.INVALID', 'cursor'],
    [
      'a repeated parameter',
      '/v1/ciProducts?limit=2&limit=3',
      400,
      'PARAMETER_ERROR.INVALID',
      'limit',
    ],
  ];
  for (const [name, path, status, code, parameter] of errorCases) {
    test(`rejects ${name} with ${code}`, async () => {
      const r = await h.api.request('GET', path);
      assert.equal(r.status, status);
      const [error] = r.json.errors;
      assert.equal(error.status, String(status));
      assert.equal(error.code, code);
      assert.deepEqual(error.source, { parameter });
      assert.match(error.id, /^[0-9a-f-]{36}$/);
      assert.ok(error.title && error.detail);
    });
  }

  test('sorting runs by the same field both ways is refused', async () => {
    const path = `/v1/ciWorkflows/${ids.workflow.id}/buildRuns?sort=number,-number`;
    const r = await h.api.request('GET', path);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.errors[0].source, { parameter: 'sort' });
  });

  test('unknown ids, paths and methods get NOT_FOUND, PATH_ERROR and METHOD_NOT_ALLOWED', async () => {
    const run = await h.api.request('GET', '/v1/ciBuildRuns/0c7d2e4a-9b1f-4e3a-8c5d-7f6e5d4c3b2a');
    assert.equal(run.status, 404);
    assert.equal(run.json.errors[0].code, 'NOT_FOUND');
    const path = await h.api.request('GET', '/v1/bananas');
    assert.equal(path.status, 404);
    assert.equal(path.json.errors[0].code, 'PATH_ERROR');
    const list = await h.api.request('GET', '/v1/ciBuildRuns');
    assert.equal(list.status, 405);
    assert.equal(list.json.errors[0].code, 'METHOD_NOT_ALLOWED');
    assert.equal(list.headers.get('allow'), 'POST');
  });

  test('no token, a bad token and a GET-scoped token on POST all get the same 401', async () => {
    const bare = await fetch(`${h.stratus.url}/v1/ciProducts`);
    assert.equal(bare.status, 401);
    const body = await bare.json();
    assert.equal(body.errors[0].code, 'NOT_AUTHORIZED');
    assert.equal(body.errors[0].status, '401');
    const forged = await fetch(`${h.stratus.url}/v1/ciProducts`, {
      headers: { authorization: 'Bearer a.b.c' },
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.headers.get('content-type'), 'application/json');
  });

  test('a linkage document holds identifiers only', async () => {
    const doc = await h.api.get(`/v1/ciProducts/${ids.product.id}/relationships/workflows`);
    assert.deepEqual(doc.data, [{ type: 'ciWorkflows', id: ids.workflow.id }]);
    assert.deepEqual(doc.meta.paging, { total: 1, limit: 50 });
    const one = await h.api.get(`/v1/ciWorkflows/${ids.workflow.id}/relationships/repository`);
    assert.deepEqual(one.data, { type: 'scmRepositories', id: ids.repository.id });
    // DocumentLinks in the contract: self only, as for every other document.
    assert.deepEqual(one.links, {
      self: `${h.stratus.url}/v1/ciWorkflows/${ids.workflow.id}/relationships/repository`,
    });
  });
});
