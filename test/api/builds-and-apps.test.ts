import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, startBody, startHarness, waitForRun, type Harness } from '../support/harness.ts';

const APP_ID = '1500196580';

function archive(name: string, command: string, audience: string | null) {
  return {
    name,
    description: '',
    isEnabled: true,
    clean: false,
    manualBranchStartCondition: { source: { isAllMatch: true } },
    actions: [
      {
        name: 'Archive - macOS',
        actionType: 'ARCHIVE',
        platform: 'MACOS',
        destination: 'ANY_MAC',
        buildDistributionAudience: audience,
        command,
      },
    ],
  };
}

describe('builds of distributable archives, and the app of a product', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({
      runners: 1,
      editConfig(config) {
        config.products[0].appId = APP_ID;
        config.products[0].workflows.push(
          archive('Release', 'echo archived', 'APP_STORE_ELIGIBLE'),
          archive('Broken release', 'exit 3', 'INTERNAL_ONLY'),
          archive('Plain archive', 'echo archived', null),
        );
      },
    });
  });
  after(() => h.close());

  async function runOf(workflowName: string) {
    const ids = await discover(h.api, workflowName);
    const r = await h.api.request('POST', '/v1/ciBuildRuns', startBody(ids.workflow.id));
    assert.equal(r.status, 201);
    return waitForRun(h.api, r.json.data.id);
  }

  test('a succeeded ARCHIVE with an audience records a VALID build', async () => {
    const run = await runOf('Release');
    assert.equal(run.attributes.completionStatus, 'SUCCEEDED');
    const builds = await h.api.get(`/v1/ciBuildRuns/${run.id}/builds`);
    assert.equal(builds.data.length, 1);
    const build = builds.data[0];
    assert.equal(build.type, 'builds');
    assert.equal(build.attributes.version, String(run.attributes.number));
    assert.equal(build.attributes.processingState, 'VALID');
    assert.equal(build.attributes.buildAudienceType, 'APP_STORE_ELIGIBLE');
    assert.equal(build.attributes.expired, false);
    assert.equal(build.attributes.expirationDate, null);
    assert.equal(build.attributes.usesNonExemptEncryption, null);
    assert.ok(build.attributes.uploadedDate >= run.attributes.startedDate);

    const linkage = await h.api.get(`/v1/ciBuildRuns/${run.id}/relationships/builds`);
    assert.deepEqual(linkage.data, [{ type: 'builds', id: build.id }]);
    const included = await h.api.get(`/v1/ciBuildRuns/${run.id}?include=builds`);
    assert.deepEqual(included.data.relationships.builds.data, [{ type: 'builds', id: build.id }]);
    assert.equal(included.included[0].attributes.version, build.attributes.version);

    const filtered = async (query: string) =>
      (await h.api.get(`/v1/ciBuildRuns/${run.id}/builds?${query}`)).data.length;
    assert.equal(await filtered('filter[processingState]=VALID'), 1);
    assert.equal(await filtered('filter[processingState]=PROCESSING'), 0);
    assert.equal(await filtered(`filter[version]=${run.attributes.number}`), 1);
    assert.equal(await filtered(`filter[app]=${APP_ID}`), 1);
    assert.equal(await filtered('filter[betaGroups]=any'), 0);

    const withApp = await h.api.get(`/v1/ciBuildRuns/${run.id}/builds?include=app`);
    assert.equal(withApp.included[0].id, APP_ID);
  });

  test('failed archives and archives without an audience record no build', async () => {
    const broken = await runOf('Broken release');
    assert.equal(broken.attributes.completionStatus, 'FAILED');
    assert.deepEqual((await h.api.get(`/v1/ciBuildRuns/${broken.id}/builds`)).data, []);
    const plain = await runOf('Plain archive');
    assert.equal(plain.attributes.completionStatus, 'SUCCEEDED');
    assert.deepEqual((await h.api.get(`/v1/ciBuildRuns/${plain.id}/builds`)).data, []);
  });

  test('the app named in the products file leads to its product and back', async () => {
    const product = (await h.api.get(`/v1/apps/${APP_ID}/ciProduct`)).data;
    assert.equal(product.type, 'ciProducts');
    assert.equal(product.attributes.name, 'Greeter');
    const linkage = await h.api.get(`/v1/apps/${APP_ID}/relationships/ciProduct`);
    assert.deepEqual(linkage.data, { type: 'ciProducts', id: product.id });
    const listed = await h.api.get(`/v1/ciProducts?filter[app]=${APP_ID}&include=app`);
    assert.deepEqual(
      listed.data.map((p: any) => p.id),
      [product.id],
    );
    assert.equal(listed.included[0].attributes.name, 'Greeter');
    assert.equal(listed.included[0].attributes.bundleId, 'com.example.greeter');
    assert.equal(listed.included[0].attributes.sku, null);
    const app = await h.api.get(`/v1/ciProducts/${product.id}/app`);
    assert.equal(app.data.id, APP_ID);
    assert.deepEqual((await h.api.get('/v1/ciProducts?filter[app]=42')).data, []);
    const none = await h.api.request('GET', '/v1/apps/42/ciProduct');
    assert.equal(none.status, 404);
  });
});
