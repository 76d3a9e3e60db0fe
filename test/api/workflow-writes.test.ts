import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

const XCODE = 'Xcode16C5032a:stable';
const MACOS = '24C101';

/** What a Mac runner reports; the API learns versions only from runners. */
const macToolchain = {
  xcode: { id: XCODE, name: 'Xcode 16.2 (16C5032a)', testDestinations: [] },
  macOs: { id: MACOS, name: 'macOS Sequoia 15.2 (24C101)' },
};

function createBody(ids: { product: string; repository: string }, attributes = {}) {
  return {
    data: {
      type: 'ciWorkflows',
      attributes: {
        name: 'Nightly',
        description: 'Archive every night',
        isEnabled: true,
        clean: true,
        containerFilePath: 'Greeter.xcodeproj',
        manualBranchStartCondition: { source: { isAllMatch: true, patterns: [] } },
        actions: [
          {
            name: 'Archive - iOS',
            actionType: 'ARCHIVE',
            destination: 'ANY_IOS_DEVICE',
            buildDistributionAudience: 'INTERNAL_ONLY',
            testConfiguration: null,
            scheme: 'Greeter',
            platform: 'IOS',
            isRequiredToPass: true,
          },
        ],
        ...attributes,
      },
      relationships: {
        product: { data: { type: 'ciProducts', id: ids.product } },
        repository: { data: { type: 'scmRepositories', id: ids.repository } },
        xcodeVersion: { data: { type: 'ciXcodeVersions', id: XCODE } },
        macOsVersion: { data: { type: 'ciMacOsVersions', id: MACOS } },
      },
    },
  };
}

function patchBody(id: string, attributes: object, relationships?: object) {
  return {
    data: { type: 'ciWorkflows', id, attributes, ...(relationships ? { relationships } : {}) },
  };
}

// No runner slots: runs stay PENDING, so a run can be "in progress" on purpose.
describe('ciWorkflows writes', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof discover>>;
  let created: any;

  before(async () => {
    h = await startHarness({ runners: 0 });
    await h.stratus.store.toolchain.report({ id: 'mac-1', name: 'Mac mini 1' }, macToolchain);
    ids = await discover(h.api);
  });
  after(() => h.close());

  test('POST creates a workflow: 201, Location, the document with its relationships', async () => {
    const body = createBody({ product: ids.product.id, repository: ids.repository.id });
    const r = await h.api.request('POST', '/v1/ciWorkflows', body);
    assert.equal(r.status, 201, JSON.stringify(r.json));
    created = r.json.data;
    assert.equal(r.headers.get('location'), `${h.stratus.url}/v1/ciWorkflows/${created.id}`);
    assert.equal(created.attributes.name, 'Nightly');
    assert.equal(created.attributes.clean, true);
    assert.equal(created.attributes.isLockedForEditing, false);
    assert.equal(created.attributes.branchStartCondition, null);
    assert.deepEqual(created.attributes.actions, body.data.attributes.actions);

    const read = await h.api.get(
      `/v1/ciWorkflows/${created.id}?include=xcodeVersion,macOsVersion,product,repository`,
    );
    assert.deepEqual(read.data.relationships.xcodeVersion.data, {
      type: 'ciXcodeVersions',
      id: XCODE,
    });
    assert.deepEqual(read.data.relationships.macOsVersion.data, {
      type: 'ciMacOsVersions',
      id: MACOS,
    });
    const included = read.included.map((r: any) => `${r.type}:${r.id}`).sort();
    assert.deepEqual(included, [
      `ciMacOsVersions:${MACOS}`,
      `ciProducts:${ids.product.id}`,
      `ciXcodeVersions:${XCODE}`,
      `scmRepositories:${ids.repository.id}`,
    ]);
    const listed = await h.api.all(`/v1/ciProducts/${ids.product.id}/workflows`);
    assert.ok(listed.some((w) => w.id === created.id));
  });

  test('a created workflow starts builds at once', async () => {
    const r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(created.id));
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.data.attributes.number > 0, true);
  });

  test('POST refuses unknown versions, a foreign repository and a taken name', async () => {
    const base = { product: ids.product.id, repository: ids.repository.id };
    const unknownXcode = createBody(base, { name: 'Other' }) as any;
    unknownXcode.data.relationships.xcodeVersion.data.id = 'Xcode99A1:stable';
    let r = await h.api.request('POST', '/v1/ciWorkflows', unknownXcode);
    assert.equal(r.status, 409);
    assert.equal(r.json.errors[0].code, 'ENTITY_ERROR.RELATIONSHIP.INVALID');
    assert.deepEqual(r.json.errors[0].source, { pointer: '/data/relationships/xcodeVersion' });

    r = await h.api.request(
      'POST',
      '/v1/ciWorkflows',
      createBody({ ...base, repository: 'not-a-repository' }, { name: 'Other' }),
    );
    assert.equal(r.status, 409);
    assert.deepEqual(r.json.errors[0].source, { pointer: '/data/relationships/repository' });

    r = await h.api.request('POST', '/v1/ciWorkflows', createBody(base, { name: 'CI' }));
    assert.equal(r.status, 409);
    assert.equal(r.json.errors[0].code, 'ENTITY_ERROR.ATTRIBUTE.INVALID');
    assert.deepEqual(r.json.errors[0].source, { pointer: '/data/attributes/name' });
  });

  test('PATCH changes only what it names and moves lastModifiedDate', async () => {
    const before = (await h.api.get(`/v1/ciWorkflows/${created.id}`)).data;
    await new Promise((r) => setTimeout(r, 5));
    const r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { description: 'Archive on demand', tagStartCondition: null }),
    );
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const after = r.json.data;
    assert.equal(after.attributes.description, 'Archive on demand');
    const { description: _a, lastModifiedDate: modifiedAfter, ...restAfter } = after.attributes;
    const { description: _b, lastModifiedDate: modifiedBefore, ...restBefore } = before.attributes;
    assert.deepEqual(restAfter, restBefore);
    assert.ok(modifiedAfter > modifiedBefore);
    assert.equal(r.json.links.self, `${h.stratus.url}/v1/ciWorkflows/${created.id}`);
  });

  test('PATCH with another id in the body is a 409 conflict', async () => {
    const r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(ids.workflow.id, { description: 'x' }),
    );
    assert.equal(r.status, 409);
    assert.equal(r.json.errors[0].code, 'ENTITY_ERROR.ID.INVALID');
    assert.deepEqual(r.json.errors[0].source, { pointer: '/data/id' });
  });

  test('PATCH may not change the product', async () => {
    const r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, {}, { product: { data: { type: 'ciProducts', id: ids.product.id } } }),
    );
    assert.equal(r.status, 422);
    assert.deepEqual(r.json.errors[0].source, { pointer: '/data/relationships/product' });
  });

  test('disabling a workflow over the API stops manual starts at once', async () => {
    let r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { isEnabled: false }),
    );
    assert.equal(r.status, 200);
    r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(created.id));
    assert.equal(r.status, 409);
    assert.equal(r.json.errors[0].code, 'STATE_ERROR');
    r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { isEnabled: true }),
    );
    assert.equal(r.json.data.attributes.isEnabled, true);
  });

  test('a changed manual start condition decides the next start', async () => {
    const releaseOnly = { source: { patterns: [{ pattern: 'release/', isPrefix: true }] } };
    let r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { manualBranchStartCondition: releaseOnly }),
    );
    assert.equal(r.status, 200);
    r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(created.id));
    assert.equal(r.status, 409);
    assert.deepEqual(r.json.errors[0].source, { pointer: '/data/relationships/sourceBranchOrTag' });
    r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { manualBranchStartCondition: { source: { isAllMatch: true } } }),
    );
    r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(created.id));
    assert.equal(r.status, 201);
  });

  test('a locked workflow refuses changes and deletion until unlocked', async () => {
    const lock = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { isLockedForEditing: true }),
    );
    assert.equal(lock.status, 200);
    assert.equal(lock.json.data.attributes.isLockedForEditing, true);

    const edit = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { name: 'Renamed' }),
    );
    assert.equal(edit.status, 409);
    assert.equal(edit.json.errors[0].code, 'STATE_ERROR');
    assert.match(edit.json.errors[0].detail, /isLockedForEditing/);
    assert.deepEqual(edit.json.errors[0].source, { pointer: '/data/attributes/name' });

    // Sending the value it already has changes nothing, so it is allowed.
    const same = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { name: 'Nightly', isLockedForEditing: true }),
    );
    assert.equal(same.status, 200);

    const del = await h.api.request('DELETE', `/v1/ciWorkflows/${created.id}`);
    assert.equal(del.status, 409);
    assert.equal(del.json.errors[0].code, 'STATE_ERROR');

    const unlock = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${created.id}`,
      patchBody(created.id, { isLockedForEditing: false }),
    );
    assert.equal(unlock.status, 200);
    assert.equal(
      (await h.api.get(`/v1/ciWorkflows/${created.id}`)).data.attributes.name,
      'Nightly',
    );
  });

  test('DELETE refuses while a run is unfinished, then removes it with its runs', async () => {
    const runs = await h.api.all(`/v1/ciWorkflows/${created.id}/buildRuns`);
    assert.ok(runs.length > 0);
    const refused = await h.api.request('DELETE', `/v1/ciWorkflows/${created.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.json.errors[0].code, 'STATE_ERROR');
    assert.match(refused.json.errors[0].detail, /has not completed/);

    // Finish the queued runs as a runner would, then delete.
    for (const run of runs) await h.stratus.store.runs.markRunFinished(run.id, 'CANCELED', null);
    const actions = await h.api.all(`/v1/ciBuildRuns/${runs[0].id}/actions`);
    const deleted = await h.api.request('DELETE', `/v1/ciWorkflows/${created.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.json, null);

    assert.equal((await h.api.request('GET', `/v1/ciWorkflows/${created.id}`)).status, 404);
    assert.equal((await h.api.request('GET', `/v1/ciBuildRuns/${runs[0].id}`)).status, 404);
    assert.equal((await h.api.request('GET', `/v1/ciBuildActions/${actions[0].id}`)).status, 404);
    const again = await h.api.request('DELETE', `/v1/ciWorkflows/${created.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.json.errors[0].code, 'NOT_FOUND');
  });
  test('a start that races a deletion creates no run and takes no number', async () => {
    const [before] = await h.stratus.store.catalog.products([ids.product.id]);
    const run = await h.stratus.store.runs.create(
      {
        product_id: ids.product.id,
        workflow_id: created.id,
        source_commit: null,
        destination_commit: null,
        is_pull_request_build: 0,
        start_reason: 'MANUAL',
        source_ref_id: null,
        destination_ref_id: null,
        pull_request_id: null,
        clean: 0,
        plan: '{}',
      },
      [],
    );
    assert.equal(run, null);
    const [after] = await h.stratus.store.catalog.products([ids.product.id]);
    assert.equal(after!.next_build_number, before!.next_build_number);
  });
});

describe('workflows of the products file and of the API across restarts', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        const ci = config.products[0].workflows[0];
        config.products[0].workflows.push({ ...ci, name: 'Doomed' });
      },
    });
    await h.stratus.store.toolchain.report({ id: 'mac-1', name: 'Mac mini 1' }, macToolchain);
  });
  after(() => h.close());

  test('API edits survive a restart; a deleted file workflow returns on a new entry', async () => {
    const ci = (await discover(h.api)).workflow;
    const doomed = (await discover(h.api, 'Doomed')).workflow;
    let r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${ci.id}`,
      patchBody(ci.id, { description: 'Edited over the API' }),
    );
    assert.equal(r.status, 200);
    r = await h.api.request('DELETE', `/v1/ciWorkflows/${doomed.id}`);
    assert.equal(r.status, 204);

    await h.restart();
    let workflows = await h.api.all(
      `/v1/ciProducts/${(await discover(h.api)).product.id}/workflows`,
    );
    assert.deepEqual(workflows.map((w) => w.attributes.name).sort(), ['CI']);
    assert.equal(workflows[0].id, ci.id);
    assert.equal(workflows[0].attributes.description, 'Edited over the API');

    // Changing the file's entries brings the file's versions back.
    const config = JSON.parse(readFileSync(h.configPath, 'utf8'));
    for (const w of config.products[0].workflows) w.description = 'From the file, changed';
    writeFileSync(h.configPath, JSON.stringify(config));
    await h.restart();
    workflows = await h.api.all(`/v1/ciProducts/${(await discover(h.api)).product.id}/workflows`);
    assert.deepEqual(workflows.map((w) => w.attributes.name).sort(), ['CI', 'Doomed']);
    assert.ok(workflows.every((w) => w.attributes.description === 'From the file, changed'));
    assert.equal(workflows.find((w) => w.attributes.name === 'CI').id, ci.id);
  });

  test('actions written back as they were read keep their Stratus-only settings', async () => {
    const ci = (await discover(h.api)).workflow;
    const actions = ci.attributes.actions;
    assert.ok(actions.every((a: any) => !('command' in a) && !('testReports' in a)));
    actions[1].isRequiredToPass = false;
    const r = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${ci.id}`,
      patchBody(ci.id, { actions }),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data.attributes.actions, actions);
    const [row] = await h.stratus.store.catalog.workflows([ci.id]);
    const stored = JSON.parse(row!.actions);
    assert.match(stored[0].command, /^mkdir -p build/);
    assert.equal(stored[1].testReports, 'build/junit.xml');
    assert.equal(stored[1].isRequiredToPass, false);
  });

  test('a file workflow renamed over the API yields to the holder of its name', async () => {
    const ids = await discover(h.api);
    const renamed = await h.api.request(
      'PATCH',
      `/v1/ciWorkflows/${ids.workflow.id}`,
      patchBody(ids.workflow.id, { name: 'CI (old)' }),
    );
    assert.equal(renamed.status, 200);
    const made = await h.api.request(
      'POST',
      '/v1/ciWorkflows',
      createBody({ product: ids.product.id, repository: ids.repository.id }, { name: 'CI' }),
    );
    assert.equal(made.status, 201);

    const config = JSON.parse(readFileSync(h.configPath, 'utf8'));
    config.products[0].workflows[0].description = 'The file again';
    writeFileSync(h.configPath, JSON.stringify(config));
    await h.restart();
    const workflows = await h.api.all(`/v1/ciProducts/${ids.product.id}/workflows`);
    const byName = new Map(workflows.map((w) => [w.attributes.name, w]));
    assert.equal(byName.get('CI').id, made.json.data.id);
    assert.equal(byName.get('CI').attributes.description, 'The file again');
    assert.equal(byName.get('CI (old)').id, ids.workflow.id);
  });
});
