import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { XCODEBUILD_MISSING } from '../../../src/engine/executor/resolve-toolchain.ts';
import { runAction } from '../../../src/engine/executor/run-action.ts';
import {
  RecordingSink,
  buildEnv,
  makePlan,
  makeRepository,
  removeScratch,
  scratchDir,
} from './harness.ts';

after(removeScratch);

const MARK_COMMAND = 'touch "$CI_WORKSPACE/command-ran"';

test('a failing hook fails the action and names the hook and its exit code', async () => {
  const source = await makeRepository({
    'ci_scripts/ci_post_clone.sh': 'echo "installing tools"\nexit 3\n',
  });
  const workDir = await scratchDir();
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    action: { command: MARK_COMMAND },
  });

  const outcome = await runAction(plan, sink);

  assert.deepEqual(outcome, {
    status: 'FAILED',
    toolExitCode: null,
    reason: 'ci_post_clone.sh exited with 3',
  });
  assert.deepEqual(sink.issues, [
    {
      issueType: 'ERROR',
      message: 'ci_post_clone.sh exited with 3',
      fileSource: null,
      category: 'Run script',
    },
  ]);
  assert.ok(sink.output('post_clone').includes('installing tools'));
  assert.equal(existsSync(join(workDir, 'command-ran')), false, 'the command must not run');
});

test('ci_post_xcodebuild.sh runs after a failed tool and sees its exit code', async () => {
  const source = await makeRepository({
    'ci_scripts/ci_post_xcodebuild.sh': 'echo "post exit=$CI_XCODEBUILD_EXIT_CODE"\n',
  });
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir: await scratchDir(),
    action: { command: 'echo "about to fail" >&2; exit 7' },
  });

  const outcome = await runAction(plan, sink);

  assert.deepEqual(outcome, {
    status: 'FAILED',
    toolExitCode: 7,
    reason: 'the command exited with 7',
  });
  assert.deepEqual(sink.output('post_xcodebuild'), ['post exit=7']);
  assert.deepEqual(sink.issues, [
    { issueType: 'ERROR', message: 'the command exited with 7', fileSource: null, category: null },
  ]);
  assert.ok(sink.lines.some((l) => l.stream === 'stderr' && l.text === 'about to fail'));
});

test('a failing ci_pre_xcodebuild.sh stops the action before the tool', async () => {
  const source = await makeRepository({
    'ci_scripts/ci_pre_xcodebuild.sh': { text: '#!/bin/sh\nexit 1\n', executable: true },
    'ci_scripts/ci_post_xcodebuild.sh': 'echo "post ran"\n',
  });
  const workDir = await scratchDir();
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    action: { command: MARK_COMMAND },
  });

  const outcome = await runAction(plan, sink);

  assert.equal(outcome.status, 'FAILED');
  assert.equal(outcome.reason, 'ci_pre_xcodebuild.sh exited with 1');
  assert.equal(existsSync(join(workDir, 'command-ran')), false);
  assert.deepEqual(sink.output('post_xcodebuild'), []);
});

test('without a command and without xcodebuild the action errors before cloning', async () => {
  const source = await makeRepository({ 'README.md': 'hello\n' });
  const workDir = await scratchDir();
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    baseEnv: { ...buildEnv(), PATH: '/usr/bin:/bin' },
  });

  const outcome = await runAction(plan, sink);

  assert.deepEqual(outcome, { status: 'ERRORED', toolExitCode: null, reason: XCODEBUILD_MISSING });
  assert.match(XCODEBUILD_MISSING, /xcodebuild is not installed on this runner/);
  assert.deepEqual(sink.issues, [
    { issueType: 'ERROR', message: XCODEBUILD_MISSING, fileSource: null, category: null },
  ]);
  assert.equal(existsSync(join(workDir, 'repository')), false);
});

test('a commit the repository does not have errors the action, naming it', async () => {
  const source = await makeRepository({ 'README.md': 'hello\n' });
  const missing = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: missing,
    workDir: await scratchDir(),
    action: { command: 'true' },
  });

  const outcome = await runAction(plan, sink);

  assert.equal(outcome.status, 'ERRORED');
  assert.ok(outcome.reason?.includes(missing), outcome.reason ?? '');
  assert.ok(outcome.reason?.includes(source.path), outcome.reason ?? '');
  assert.equal(sink.issues.length, 1);
  assert.equal(sink.issues[0]?.message, outcome.reason);
});

test('a repository that cannot be cloned errors the action, naming its URL', async () => {
  const missing = join(await scratchDir(), 'no-such-repository');
  const plan = makePlan({
    url: missing,
    commit: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
    workDir: await scratchDir(),
    action: { command: 'true' },
  });

  const outcome = await runAction(plan, new RecordingSink());

  assert.equal(outcome.status, 'ERRORED');
  assert.match(outcome.reason ?? '', new RegExp(`of ${missing}: git clone exited with 128`));
});

test('a hook that cannot be started fails the action', async () => {
  const source = await makeRepository({
    'ci_scripts/ci_post_clone.sh': { text: '#!/no/such/interpreter\n', executable: true },
  });
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir: await scratchDir(),
    action: { command: 'true' },
  });

  const outcome = await runAction(plan, new RecordingSink());

  assert.equal(outcome.status, 'FAILED');
  assert.match(outcome.reason ?? '', /^ci_post_clone\.sh could not be started/);
});

test('credentials in the repository URL stay out of the log and the reason', async () => {
  const url = `file://builder:s3cret-token@localhost${join(await scratchDir(), 'missing')}`;
  const sink = new RecordingSink();
  const plan = makePlan({
    url,
    commit: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
    workDir: await scratchDir(),
    action: { command: 'true' },
  });

  const outcome = await runAction(plan, sink);

  assert.equal(outcome.status, 'ERRORED');
  assert.ok(sink.lines.length > 0);
  for (const text of [outcome.reason, ...sink.lines.map((line) => line.text)]) {
    assert.doesNotMatch(text ?? '', /s3cret-token/);
  }
  assert.match(outcome.reason ?? '', /file:\/\/\*\*\*@localhost/);
});
