import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover, startBody, startHarness, waitForRun, type Harness } from '../support/harness.ts';
import { spawnRunner, type RunnerChild } from '../faults/runner-fixture.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));

// A runner on "another machine": its own data folder, no database, only the server's URL.
describe('stratus runner --server over the runner protocol', () => {
  let h: Harness;
  let machine: string;
  let token: string;
  let runner: RunnerChild | null = null;

  before(async () => {
    h = await startHarness({ runners: 0 });
    machine = mkdtempSync(join(tmpdir(), 'stratus-remote-'));
    const made = JSON.parse(
      execFileSync(
        process.execPath,
        [bin, 'runners', 'create-token', '--database', h.database, '--name', 'mac-1', '--json'],
        { encoding: 'utf8' },
      ),
    );
    token = made.token;
  });

  after(async () => {
    await runner?.stop();
    await h.close();
    rmSync(machine, { recursive: true, force: true });
  });

  test('the token is stored only as a hash', async () => {
    const [row] = await h.stratus.store.runnerTokens.list();
    assert.match(token, /^srt_[\w-]{43}$/);
    assert.notEqual(row!.token_hash, token);
    assert.equal(row!.token_hash.length, 64);
    assert.equal((await h.stratus.store.runnerTokens.find(token))?.name, 'mac-1');
  });

  test('performs a run: records, test results, live log and uploaded log bundles', async () => {
    runner = await spawnRunner([
      '--server',
      h.stratus.url,
      '--token',
      token,
      '--data',
      machine,
      '--name',
      'mac-1',
    ]);
    const ci = await discover(h.api, 'CI');
    const run = (
      await h.api.request(
        'POST',
        '/v1/ciBuildRuns',
        startBody(ci.workflow.id, ci.ref('refs/heads/main').id),
      )
    ).json.data;
    const ended = await waitForRun(h.api, run.id, 120_000);

    // The sample app fails one test on purpose and warns once when compiled.
    assert.equal(ended.attributes.completionStatus, 'FAILED');
    const actions = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    assert.deepEqual(
      actions.map((a) => a.attributes.completionStatus),
      ['SUCCEEDED', 'FAILED'],
    );
    const tests = await h.api.all(`/v1/ciBuildActions/${actions[1].id}/testResults`);
    assert.ok(tests.some((t) => t.attributes.status === 'FAILURE'));
    assert.ok(tests.some((t) => t.attributes.status === 'SUCCESS'));
    assert.equal(ended.attributes.issueCounts.testFailures, 1);

    const artifacts = await h.api.all(`/v1/ciBuildActions/${actions[0].id}/artifacts`);
    const bundle = artifacts.find((a) => a.attributes.fileType === 'LOG_BUNDLE');
    assert.ok(bundle, 'the log bundle was uploaded');
    const zip = Buffer.from(await (await fetch(bundle.attributes.downloadUrl)).arrayBuffer());
    assert.equal(zip.subarray(0, 2).toString(), 'PK');
    assert.equal(zip.length, bundle.attributes.fileSize);

    const live = readFileSync(join(h.dataDir, 'logs', run.id, '0', 'action.log'), 'utf8');
    assert.match(live, /cloning .* at [0-9a-f]{40}/);
    // Nothing of the run stays on the runner's machine but its own copy of the logs.
    assert.deepEqual(readdirSync(join(machine, 'workspaces')), []);
    assert.equal(existsSync(join(machine, 'artifacts')), false);

    const [seen] = await h.stratus.store.runners.live(new Date(Date.now() - 60_000));
    assert.equal(seen?.name, 'mac-1');
    assert.equal(seen?.mode, 'http');
    assert.equal(seen?.has_xcode, 0);
    assert.equal(seen?.id, 'http-mac-1');
  });

  test('refuses a wrong token and a run the runner does not hold', async () => {
    const headers = { 'content-type': 'application/json', 'x-stratus-runner': 'r1' };
    const wrong = await fetch(`${h.stratus.url}/runner/v1/hello`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer srt_wrong' },
      body: '{}',
    });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).errors[0].code, 'NOT_AUTHORIZED');

    const ci = await discover(h.api, 'CI');
    const [done] = await h.api.all(`/v1/ciWorkflows/${ci.workflow.id}/buildRuns`);
    const foreign = await fetch(`${h.stratus.url}/runner/v1/runs/${done.id}/events`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: JSON.stringify({ events: [{ type: 'runStarted' }] }),
    });
    assert.equal(foreign.status, 409);
    assert.equal((await foreign.json()).errors[0].code, 'STATE_ERROR');

    const bad = await fetch(`${h.stratus.url}/runner/v1/claim`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: JSON.stringify({ id: 'r1' }),
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).errors[0].code, 'ENTITY_INVALID');
  });
});
