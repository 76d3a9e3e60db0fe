import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discover, startBody, startHarness, waitForRun, type Harness } from '../support/harness.ts';

describe('DELETE /v1/ciProducts/{id}', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ runners: 1 });
  });
  after(() => h.close());

  test('refuses while a run is unfinished, then removes the product and all under it', async () => {
    const ids = await discover(h.api);
    const started = await h.api.request('POST', '/v1/ciBuildRuns', startBody(ids.workflow.id));
    assert.equal(started.status, 201);
    const runId = started.json.data.id;

    const refused = await h.api.request('DELETE', `/v1/ciProducts/${ids.product.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.json.errors[0].code, 'STATE_ERROR');

    await waitForRun(h.api, runId);
    const [action] = await h.api.all(`/v1/ciBuildRuns/${runId}/actions`);
    const [artifact] = await h.api.all(`/v1/ciBuildActions/${action.id}/artifacts`);
    assert.ok(existsSync(join(h.dataDir, 'artifacts', runId)));

    const deleted = await h.api.request('DELETE', `/v1/ciProducts/${ids.product.id}`);
    assert.equal(deleted.status, 204);
    for (const path of [
      `/v1/ciProducts/${ids.product.id}`,
      `/v1/ciWorkflows/${ids.workflow.id}`,
      `/v1/ciBuildRuns/${runId}`,
      `/v1/ciBuildActions/${action.id}`,
      `/v1/ciArtifacts/${artifact.id}`,
      `/v1/scmRepositories/${ids.repository.id}`,
    ]) {
      const r = await h.api.request('GET', path);
      assert.equal(r.status, 404, path);
    }
    assert.deepEqual(await h.api.all('/v1/ciProducts'), []);
    assert.equal((await fetch(artifact.attributes.downloadUrl)).status, 404);
    assert.equal(existsSync(join(h.dataDir, 'artifacts', runId)), false);
    assert.equal(existsSync(join(h.dataDir, 'logs', runId)), false);
  });

  test('stays deleted across a restart until the products file changes the product', async () => {
    await h.restart();
    assert.deepEqual(await h.api.all('/v1/ciProducts'), []);

    const config = JSON.parse(readFileSync(h.configPath, 'utf8'));
    config.products[0].bundleId = 'com.example.greeter2';
    writeFileSync(h.configPath, JSON.stringify(config));
    await h.restart();
    const products = await h.api.all('/v1/ciProducts');
    assert.deepEqual(
      products.map((p) => p.attributes.name),
      ['Greeter'],
    );
    const workflows = await h.api.all(`/v1/ciProducts/${products[0].id}/workflows`);
    assert.deepEqual(
      workflows.map((w) => w.attributes.name),
      ['CI'],
    );
  });
});
