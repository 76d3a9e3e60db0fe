import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';
import { ResponseCache } from '../../src/api/response-cache.ts';
import { createKeyFile } from '../../src/cli/keys-create.ts';
import { signToken } from '../../src/auth/sign-token.ts';
import { AscFetch } from '../../scripts/asc-fetch.ts';

const run = promisify(execFile);

/** Renames a workflow from another process, through its own connection to the store. */
async function renameElsewhere(database: string, workflowId: string, name: string): Promise<void> {
  const openDatabase = pathToFileURL(resolve('src/store/open-database.ts')).href;
  const code = `
    import { openDatabase } from ${JSON.stringify(openDatabase)};
    const [location, id, name] = process.argv.slice(1);
    const { db, close } = await openDatabase(location);
    await db.updateTable('workflows').set({ name }).where('id', '=', id).execute();
    await close();
  `;
  await run(process.execPath, [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    code,
    database,
    workflowId,
    name,
  ]);
}

describe('GET answers kept between writes (server)', () => {
  let h: Harness;
  let workflowId: string;

  before(async () => {
    h = await startHarness({ runners: 0 });
    workflowId = (await discover(h.api)).workflow.id;
  });
  after(() => h.close());

  test('a build started through the API shows at once in the list it joins', async () => {
    const path = `/v1/ciWorkflows/${workflowId}/buildRuns`;
    const before = await h.api.get(path);
    await h.api.get(path);
    const started = await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflowId));
    assert.equal(started.status, 201);
    const afterStart = await h.api.get(path);
    assert.equal(afterStart.meta.paging.total, before.meta.paging.total + 1);
    assert.ok(afterStart.data.some((r: { id: string }) => r.id === started.json.data.id));
  });

  test('a workflow edit shows at once on the next read', async () => {
    const path = `/v1/ciWorkflows/${workflowId}`;
    await h.api.get(path);
    const patched = await h.api.request('PATCH', path, {
      data: { type: 'ciWorkflows', id: workflowId, attributes: { name: 'Edited here' } },
    });
    assert.equal(patched.status, 200);
    assert.equal((await h.api.get(path)).data.attributes.name, 'Edited here');
  });

  test('a commit by another process shows on the next read', async () => {
    const path = `/v1/ciWorkflows/${workflowId}?fields[ciWorkflows]=name`;
    await h.api.get(path);
    await h.api.get(path);
    await renameElsewhere(h.database, workflowId, 'Edited by another process');
    const read = await h.api.get(path);
    assert.equal(read.data.attributes.name, 'Edited by another process');
  });

  test('references are read from the repository, never from a kept answer', async () => {
    const repository = (await h.api.get(`/v1/ciWorkflows/${workflowId}/repository`)).data;
    const path = `/v1/scmRepositories/${repository.id}/gitReferences?limit=200`;
    const names = async () =>
      (await h.api.get(path)).data.map((r: any) => r.attributes.canonicalName as string);
    assert.ok(!(await names()).includes('refs/heads/kept-answer-check'));
    execFileSync('git', ['branch', 'kept-answer-check'], { cwd: h.repoPath });
    // The mirror fetches at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok((await names()).includes('refs/heads/kept-answer-check'));
  });

  test('each answer, kept or not, counts against the key budget and says so', async () => {
    const path = `/v1/ciWorkflows/${workflowId}/repository`;
    const left: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.api.request('GET', path);
      assert.equal(r.status, 200);
      const header = r.headers.get('x-rate-limit') ?? '';
      left.push(Number(/user-hour-rem:(\d+);/.exec(header)?.[1]));
    }
    assert.deepEqual(left, [left[0], left[0]! - 1, left[0]! - 2]);
  });

  test('a kept answer is not given to a token that may not read it', async () => {
    const path = `/v1/ciWorkflows/${workflowId}`;
    await h.api.get(path);

    // A token scoped to another resource.
    const scoped = await signToken({
      privateKeyPem: h.privateKeyPem,
      keyId: h.key.keyId,
      issuerId: h.key.issuerId,
      scope: ['GET /v1/ciProducts'],
    });
    const refused = await fetch(`${h.stratus.url}${path}`, {
      headers: { authorization: `Bearer ${scoped}` },
    });
    assert.equal(refused.status, 401);

    // A key revoked after it read the same answer.
    const second = await createKeyFile(h.stratus.store, {
      name: 'second',
      role: 'DEVELOPER',
      outDir: h.dir,
    });
    const api = new AscFetch(h.stratus.url, {
      ...second,
      privateKeyPem: readFileSync(second.privateKeyPath, 'utf8'),
    });
    assert.equal((await api.request('GET', path)).status, 200);
    assert.equal(await h.stratus.store.keys.revoke(second.keyId), true);
    const revoked = await api.request('GET', path);
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.errors[0].code, 'NOT_AUTHORIZED');
  });
});

describe('the response cache (unit)', () => {
  const body = (text: string) => Buffer.from(text);

  test('an entry is served only at the change mark it was built at', () => {
    const cache = new ResponseCache({ maxBytes: 1024 });
    cache.set('/a', '1:1', body('first'));
    assert.equal(cache.get('/a', '1:1')?.toString(), 'first');
    assert.equal(cache.get('/a', '2:1'), undefined);
    // A stale entry is dropped, not kept for a mark that might come back.
    assert.equal(cache.get('/a', '1:1'), undefined);
  });

  test('entries expire after their time to live', async () => {
    const cache = new ResponseCache({ maxBytes: 1024, ttlMs: 20 });
    cache.set('/a', 'm', body('x'));
    assert.ok(cache.get('/a', 'm'));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(cache.get('/a', 'm'), undefined);
  });

  test('a budget of 0 keeps nothing', () => {
    const cache = new ResponseCache({ maxBytes: 0 });
    cache.set('/a', 'm', body('x'));
    assert.equal(cache.get('/a', 'm'), undefined);
  });

  test('the byte budget drops the least recently used entries', () => {
    const cache = new ResponseCache({ maxBytes: 100 });
    cache.set('/a', 'm', Buffer.alloc(40));
    cache.set('/b', 'm', Buffer.alloc(40));
    assert.ok(cache.get('/a', 'm'));
    cache.set('/c', 'm', Buffer.alloc(40));
    assert.ok(cache.get('/a', 'm'));
    assert.equal(cache.get('/b', 'm'), undefined);
    assert.ok(cache.get('/c', 'm'));
    // One body larger than the whole budget is not kept at all.
    cache.set('/d', 'm', Buffer.alloc(500));
    assert.equal(cache.get('/d', 'm'), undefined);
  });
});
