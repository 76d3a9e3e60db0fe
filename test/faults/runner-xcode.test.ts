import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { QueueKeeper, WAITING_FOR_XCODE } from '../../src/engine/runner/queue-keeper.ts';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { spawnRunner, type RunnerChild } from './runner-fixture.ts';

// No Xcode here: the second runner has the recorded xcodebuild stand-in on its PATH.
const standin = fileURLToPath(new URL('../fixtures/xcodebuild', import.meta.url));

describe('a run that needs Xcode (stand-in xcodebuild)', () => {
  let h: Harness;
  const runners: RunnerChild[] = [];

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        config.products[0].workflows.push({
          name: 'Xcode',
          containerFilePath: 'Greeter.xcodeproj',
          manualBranchStartCondition: { source: { isAllMatch: true } },
          actions: [
            { name: 'Build', actionType: 'BUILD', scheme: 'Greeter', destination: 'ANY_MAC' },
          ],
        });
        config.products[0].workflows.push(
          manualWorkflow('Quick', [{ name: 'Echo', actionType: 'BUILD', command: 'echo quick' }]),
        );
      },
    });
  });

  after(async () => {
    for (const r of runners) await r.stop();
    await h.close();
  });

  const start = async (name: string) => {
    const found = await discover(h.api, name);
    const body = startBody(found.workflow.id, found.ref('refs/heads/main').id);
    return (await h.api.request('POST', '/v1/ciBuildRuns', body)).json.data;
  };
  const args = () => ['--database', h.database, '--data', h.dataDir];

  test('waits PENDING, saying why, until a runner with xcodebuild takes it', async () => {
    runners.push(await spawnRunner([...args(), '--name', 'linux-box']));
    const xcode = await start('Xcode');
    const quick = await start('Quick');

    // The runner without xcodebuild passes over the older run and performs the newer one.
    const done = await waitForRun(h.api, quick.id, 60_000);
    assert.equal(done.attributes.completionStatus, 'SUCCEEDED');
    const waiting = (await h.api.get(`/v1/ciBuildRuns/${xcode.id}`)).data;
    assert.equal(waiting.attributes.executionProgress, 'PENDING');
    assert.equal((await h.stratus.store.runs.run(xcode.id))?.lease_owner, null);

    const lines: any[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const keeper = new QueueKeeper(h.stratus.store, pino(sink), {
      intervalMs: 1000,
      liveMs: 60_000,
    });
    await keeper.tick();
    await keeper.tick();
    const said = lines.filter((l) => l.msg === WAITING_FOR_XCODE);
    assert.equal(said.length, 1, 'said once per run');
    assert.equal(said[0].buildRunId, xcode.id);

    runners.push(
      await spawnRunner([...args(), '--name', 'mac-mini'], {
        PATH: `${standin}:${process.env.PATH}`,
      }),
    );
    const built = await waitForRun(h.api, xcode.id, 60_000);
    assert.equal(built.attributes.completionStatus, 'SUCCEEDED');

    const live = await h.stratus.store.runners.live(new Date(Date.now() - 60_000));
    assert.deepEqual(live.map((r) => [r.id, r.mode, r.has_xcode]).sort(), [
      ['store-linux-box', 'store', 0],
      ['store-mac-mini', 'store', 1],
    ]);
    const xcodes = await h.api.get('/v1/ciXcodeVersions');
    assert.deepEqual(
      xcodes.data.map((x: any) => x.attributes.name),
      ['Xcode 16.2 (16C5032a)'],
    );
  });
});
