import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

// No runner slots: runs stay PENDING, so these tests see exactly what the POST created.
describe('POST /v1/ciBuildRuns', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof discover>>;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        const ci = config.products[0].workflows[0];
        config.products[0].workflows.push(
          {
            ...ci,
            name: 'Release only',
            manualBranchStartCondition: {
              source: { patterns: [{ pattern: 'release/', isPrefix: true }] },
            },
          },
          { ...ci, name: 'Off', isEnabled: false },
        );
      },
    });
    execFileSync('git', ['branch', 'release/2.0'], { cwd: h.repoPath });
    ids = await discover(h.api);
  });
  after(() => h.close());

  test('creates a PENDING run with every attribute, 201 and a Location header', async () => {
    const main = ids.ref('refs/heads/main');
    const r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(ids.workflow.id, main.id));
    assert.equal(r.status, 201);
    const run = r.json.data;
    assert.equal(r.headers.get('location'), `${h.stratus.url}/v1/ciBuildRuns/${run.id}`);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.deepEqual(Object.keys(run.attributes), [
      'number',
      'createdDate',
      'startedDate',
      'finishedDate',
      'sourceCommit',
      'destinationCommit',
      'isPullRequestBuild',
      'issueCounts',
      'executionProgress',
      'completionStatus',
      'startReason',
      'cancelReason',
    ]);
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: h.repoPath,
      encoding: 'utf8',
    }).trim();
    assert.equal(run.attributes.executionProgress, 'PENDING');
    assert.equal(run.attributes.completionStatus, null);
    assert.equal(run.attributes.startedDate, null);
    assert.equal(run.attributes.issueCounts, null);
    assert.equal(run.attributes.isPullRequestBuild, false);
    assert.equal(run.attributes.startReason, 'MANUAL');
    assert.deepEqual(run.attributes.sourceCommit, {
      commitSha: commit,
      message: 'Add the greeter and its tests\n',
      author: { displayName: 'Dana Ito', avatarUrl: null },
      committer: { displayName: 'Dana Ito', avatarUrl: null },
      webUrl: null,
    });
    assert.equal(r.json.links.self, `${h.stratus.url}/v1/ciBuildRuns`);
    const actions = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    assert.deepEqual(
      actions.map((a) => [a.attributes.name, a.attributes.executionProgress]),
      [
        ['Build - macOS', 'PENDING'],
        ['Test - macOS', 'PENDING'],
      ],
    );
  });

  test('numbers runs 1, 2, 3… per product, also when started concurrently', async () => {
    const main = ids.ref('refs/heads/main');
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        h.api.request('POST', '/v1/ciBuildRuns', startBody(ids.workflow.id, main.id)),
      ),
    );
    assert.ok(results.every((r) => r.status === 201));
    const runs = await h.api.all(`/v1/ciWorkflows/${ids.workflow.id}/buildRuns?limit=5`);
    const numbers = runs.map((r) => r.attributes.number);
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, i) => i + 1),
    );
    const newest = await h.api.get(
      `/v1/ciWorkflows/${ids.workflow.id}/buildRuns?sort=-number&limit=1`,
    );
    assert.equal(newest.data[0].attributes.number, numbers.length);
  });

  test('a workflow-only start builds the default branch; a rebuild reuses the commit', async () => {
    const r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(ids.workflow.id));
    assert.equal(r.status, 201);
    const run = await h.api.get(`/v1/ciBuildRuns/${r.json.data.id}?include=sourceBranchOrTag`);
    assert.equal(run.included[0].attributes.canonicalName, 'refs/heads/main');
    const rebuild = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(ids.workflow.id, undefined, {
        buildRun: { data: { type: 'ciBuildRuns', id: r.json.data.id } },
      }),
    );
    assert.equal(rebuild.status, 201);
    assert.equal(rebuild.json.data.attributes.startReason, 'MANUAL_REBUILD');
    assert.equal(
      rebuild.json.data.attributes.sourceCommit.commitSha,
      r.json.data.attributes.sourceCommit.commitSha,
    );
  });

  test('the manual branch condition admits matching branches only', async () => {
    const release = ids.workflow && (await discover(h.api, 'Release only'));
    const ok = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(release.workflow.id, release.ref('refs/heads/release/2.0').id),
    );
    assert.equal(ok.status, 201);
    const refused = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(release.workflow.id, release.ref('refs/heads/main').id),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.json.errors[0].code, 'ENTITY_ERROR.RELATIONSHIP.INVALID');
    assert.deepEqual(refused.json.errors[0].source, {
      pointer: '/data/relationships/sourceBranchOrTag',
    });
    assert.match(refused.json.errors[0].detail, /manualBranchStartCondition/);
  });

  test('refuses a disabled workflow, a deleted reference and conflicting relationships', async () => {
    const off = await discover(h.api, 'Off');
    const disabled = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(off.workflow.id, off.ref('refs/heads/main').id),
    );
    assert.equal(disabled.status, 409);
    assert.equal(disabled.json.errors[0].code, 'STATE_ERROR');
    assert.deepEqual(disabled.json.errors[0].source, { pointer: '/data/relationships/workflow' });

    execFileSync('git', ['branch', 'doomed'], { cwd: h.repoPath });
    await new Promise((r) => setTimeout(r, 1100));
    const doomed = (await discover(h.api)).ref('refs/heads/doomed');
    execFileSync('git', ['branch', '-D', 'doomed'], { cwd: h.repoPath });
    await new Promise((r) => setTimeout(r, 1100));
    const deleted = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(ids.workflow.id, doomed.id),
    );
    assert.equal(deleted.status, 409);
    assert.match(deleted.json.errors[0].detail, /has been deleted/);

    const both = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(ids.workflow.id, ids.ref('refs/heads/main').id, {
        pullRequest: { data: { type: 'scmPullRequests', id: 'x' } },
      }),
    );
    assert.equal(both.status, 409);
    assert.deepEqual(both.json.errors[0].source, { pointer: '/data/relationships/pullRequest' });

    const noWorkflow = await h.api.request('POST', '/v1/ciBuildRuns', {
      data: { type: 'ciBuildRuns' },
    });
    assert.equal(noWorkflow.status, 409);
    assert.deepEqual(noWorkflow.json.errors[0].source, { pointer: '/data/relationships/workflow' });

    const unknown = await h.api.request('POST', '/v1/ciBuildRuns', startBody('no-such-workflow'));
    assert.equal(unknown.status, 409);
    const alien = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(ids.workflow.id, 'no-such-ref'),
    );
    assert.equal(alien.status, 409);
  });

  const shapeCases: [string, unknown, number, string, string | undefined][] = [
    ['missing data', {}, 422, 'ENTITY_UNPROCESSABLE', '/data'],
    ['misspelled data', { date: {} }, 422, 'ENTITY_UNPROCESSABLE', '/date'],
    ['wrong type', { data: { type: 'ciWorkflows' } }, 422, 'ENTITY_UNPROCESSABLE', '/data/type'],
    [
      'unknown attribute',
      { data: { type: 'ciBuildRuns', attributes: { fast: true } } },
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attributes/fast',
    ],
    [
      'clean as a string',
      { data: { type: 'ciBuildRuns', attributes: { clean: 'yes' } } },
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attributes/clean',
    ],
    [
      'unknown relationship',
      { data: { type: 'ciBuildRuns', relationships: { branch: {} } } },
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/relationships/branch',
    ],
    [
      'relationship of the wrong type',
      {
        data: {
          type: 'ciBuildRuns',
          relationships: { workflow: { data: { type: 'ciProducts', id: 'x' } } },
        },
      },
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/relationships/workflow/data/type',
    ],
    ['data as an array', { data: [] }, 422, 'ENTITY_UNPROCESSABLE', '/data'],
  ];
  for (const [name, body, status, code, pointer] of shapeCases) {
    test(`answers ${status} ${code} for ${name}`, async () => {
      const r = await h.api.request('POST', '/v1/ciBuildRuns', body);
      assert.equal(r.status, status);
      assert.equal(r.json.errors[0].code, code);
      assert.deepEqual(r.json.errors[0].source, pointer === undefined ? undefined : { pointer });
    });
  }

  test('answers 400 ENTITY_INVALID for broken JSON, 415 for another content type, 413 when too large', async () => {
    const token = (await h.api.request('GET', '/v1/ciProducts')).status;
    assert.equal(token, 200);
    const send = async (body: string, type: string) => {
      const { signToken } = await import('../../src/auth/sign-token.ts');
      const jwt = await signToken({ ...h.key, privateKeyPem: h.privateKeyPem });
      return fetch(`${h.stratus.url}/v1/ciBuildRuns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': type },
        body,
      });
    };
    const broken = await send('{"data":', 'application/json');
    assert.equal(broken.status, 400);
    assert.equal((await broken.json()).errors[0].code, 'ENTITY_INVALID');
    const form = await send('a=b', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415);
    assert.equal(form.headers.get('content-type'), 'application/json');
    const huge = await send(
      JSON.stringify({ data: { type: 'ciBuildRuns', pad: 'x'.repeat(2 * 1024 * 1024) } }),
      'application/json',
    );
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).errors[0].status, '413');
  });
});
