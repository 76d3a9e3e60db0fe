import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runAction } from '../../../src/engine/executor/run-action.ts';
import {
  RecordingSink,
  isRunning,
  makePlan,
  makeRepository,
  removeScratch,
  scratchDir,
  waitForFile,
} from './harness.ts';

after(removeScratch);

// The command's shell starts a grandchild and waits on it; the grandchild
// writes down its pid so the test can look for it afterwards.
const GRANDCHILD =
  'sleep 300 & echo $! > "$CI_WORKSPACE/grandchild.pid"; echo started; wait';

test('an abort kills the whole process tree and cancels the action', async () => {
  const source = await makeRepository({ 'README.md': 'hello\n' });
  const workDir = await scratchDir();
  const controller = new AbortController();
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    signal: controller.signal,
    action: { command: GRANDCHILD },
  });

  const running = runAction(plan, sink);
  const pid = Number(await waitForFile(join(workDir, 'grandchild.pid')));
  assert.ok(isRunning(pid), 'the grandchild runs before the abort');
  controller.abort();
  const outcome = await running;

  assert.deepEqual(outcome, {
    status: 'CANCELED',
    toolExitCode: null,
    reason: 'the action was canceled',
  });
  assert.equal(isRunning(pid), false, `grandchild ${pid} outlived the action`);
  assert.ok(sink.system('xcodebuild').some((line) => line.startsWith('canceled after')));
  assert.deepEqual(sink.issues, [
    { issueType: 'ERROR', message: 'the action was canceled', fileSource: null, category: null },
  ]);
});

test('a tree that ignores SIGTERM is killed after the grace period', async () => {
  const source = await makeRepository({
    'ci_scripts/ci_post_clone.sh': `trap '' TERM\n${GRANDCHILD}\n`,
  });
  const workDir = await scratchDir();
  const controller = new AbortController();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    signal: controller.signal,
    action: { command: 'touch "$CI_WORKSPACE/command-ran"' },
  });

  const running = runAction(plan, new RecordingSink());
  const pid = Number(await waitForFile(join(workDir, 'grandchild.pid')));
  controller.abort();
  const outcome = await running;

  assert.equal(outcome.status, 'CANCELED');
  assert.equal(isRunning(pid), false, `grandchild ${pid} outlived the action`);
  assert.equal(existsSync(join(workDir, 'command-ran')), false);
});

test('what a step leaves running in the background ends with the step', async () => {
  const source = await makeRepository({
    'ci_scripts/ci_post_clone.sh': 'sleep 300 &\necho $! > "$CI_WORKSPACE/daemon.pid"\n',
  });
  const workDir = await scratchDir();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    action: { command: 'echo built' },
  });

  const outcome = await runAction(plan, new RecordingSink());

  assert.equal(outcome.status, 'SUCCEEDED');
  const pid = Number(await waitForFile(join(workDir, 'daemon.pid')));
  assert.equal(isRunning(pid), false, `background process ${pid} outlived its step`);
});

test('an action whose signal fired before it started does nothing', async () => {
  const source = await makeRepository({ 'README.md': 'hello\n' });
  const workDir = await scratchDir();
  const controller = new AbortController();
  controller.abort();
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    signal: controller.signal,
    action: { command: 'true' },
  });

  const outcome = await runAction(plan, sink);

  assert.equal(outcome.status, 'CANCELED');
  assert.equal(existsSync(join(workDir, 'repository')), false);
  assert.equal(sink.lines.length, 0);
});
