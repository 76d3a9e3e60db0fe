import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createKeyFile } from '../../src/cli/keys-create.ts';
import type { KeyRole } from '../../src/auth/api-key.ts';
import { AscFetch } from '../../scripts/asc-fetch.ts';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';

// No runner slots: a started run stays PENDING, which is all these checks need.
describe('key roles', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof discover>>;
  const clients = new Map<KeyRole, AscFetch>();

  before(async () => {
    h = await startHarness({ runners: 0 });
    ids = await discover(h.api);
    for (const role of ['DEVELOPER', 'APP_MANAGER'] as const) {
      const key = await createKeyFile(h.stratus.store, { name: role, role, outDir: h.dir });
      const privateKeyPem = readFileSync(key.privateKeyPath, 'utf8');
      clients.set(role, new AscFetch(h.stratus.url, { ...key, privateKeyPem }));
    }
  });
  after(() => h.close());

  test('a DEVELOPER key reads and starts builds', async () => {
    const dev = clients.get('DEVELOPER')!;
    assert.equal((await dev.request('GET', `/v1/ciWorkflows/${ids.workflow.id}`)).status, 200);
    const started = await dev.request('POST', '/v1/ciBuildRuns', startBody(ids.workflow.id));
    assert.equal(started.status, 201, JSON.stringify(started.json));
  });

  test('a DEVELOPER key may not write workflows or delete products: 403', async () => {
    const dev = clients.get('DEVELOPER')!;
    const workflow = `/v1/ciWorkflows/${ids.workflow.id}`;
    const patch = {
      data: { type: 'ciWorkflows', id: ids.workflow.id, attributes: { clean: true } },
    };
    const attempts = [
      await dev.request('POST', '/v1/ciWorkflows', { data: { type: 'ciWorkflows' } }),
      await dev.request('PATCH', workflow, patch),
      await dev.request('DELETE', workflow),
      await dev.request('DELETE', `/v1/ciProducts/${ids.product.id}`),
    ];
    for (const r of attempts) {
      assert.equal(r.status, 403, JSON.stringify(r.json));
      const [error] = r.json.errors;
      assert.equal(error.code, 'FORBIDDEN_ERROR');
      assert.match(error.detail, /DEVELOPER role/);
      assert.match(error.detail, /ADMIN or APP_MANAGER/);
    }
    const read = await h.api.get(workflow);
    assert.equal(read.data.attributes.clean, false);
    assert.equal((await h.api.request('GET', `/v1/ciProducts/${ids.product.id}`)).status, 200);
  });

  test('an APP_MANAGER key changes workflows', async () => {
    const manager = clients.get('APP_MANAGER')!;
    const r = await manager.request('PATCH', `/v1/ciWorkflows/${ids.workflow.id}`, {
      data: { type: 'ciWorkflows', id: ids.workflow.id, attributes: { clean: true } },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.data.attributes.clean, true);
  });
});
