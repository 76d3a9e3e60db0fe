import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findExecutable } from '../../../src/engine/executor/find-executable.ts';
import { runAction } from '../../../src/engine/executor/run-action.ts';
import type { ActionOutcome } from '../../../src/engine/executor/types.ts';
import {
  RecordingSink,
  buildEnv,
  git,
  makePlan,
  makeRepository,
  removeScratch,
  scratchDir,
} from './harness.ts';

// ci_scripts sits beside the project in ios/; the one at the root must then
// be ignored, and so must any script that is not one of the three hooks.
const files = {
  'ios/FieldNotes.xcodeproj/project.pbxproj': '// !$*UTF8*$!\n{}\n',
  'ios/ci_scripts/ci_post_clone.sh': [
    '# No shebang and not executable: Xcode Cloud hands this to zsh.',
    'echo "post-clone cwd=$(pwd)"',
    'echo "post-clone commit=$CI_COMMIT number=$CI_BUILD_NUMBER marker=$STRATUS_MARKER"',
    'echo "post-clone action=$CI_XCODEBUILD_ACTION exit=${CI_XCODEBUILD_EXIT_CODE-unset}"',
    '',
  ].join('\n'),
  'ios/ci_scripts/ci_pre_xcodebuild.sh': {
    text: [
      '#!/bin/sh',
      'echo "pre action=$CI_XCODEBUILD_ACTION exit=${CI_XCODEBUILD_EXIT_CODE-unset}"',
      'echo "pre branch=$CI_BRANCH ref=$CI_GIT_REF platform=$CI_PRODUCT_PLATFORM"',
      'echo "pre repository=$CI_PRIMARY_REPOSITORY_PATH workspace=$CI_WORKSPACE"',
      'echo "pre project=$CI_PROJECT_FILE_PATH scheme=$CI_XCODE_SCHEME"',
      '',
    ].join('\n'),
    executable: true,
  },
  'ios/ci_scripts/ci_post_xcodebuild.sh': {
    text: '#!/bin/sh\necho "post action=$CI_XCODEBUILD_ACTION exit=$CI_XCODEBUILD_EXIT_CODE"\n',
    executable: true,
  },
  'ios/ci_scripts/ci_pre_build.sh': { text: '#!/bin/sh\nexit 1\n', executable: true },
  'ci_scripts/ci_post_clone.sh': { text: '#!/bin/sh\nexit 9\n', executable: true },
  'src/main.c': 'int main(void) {\n  int total = 0;\n  int unused;\n  return total;\n}\n',
};

let source: { path: string; commit: string };
let workDir: string;
let sink: RecordingSink;
let outcome: ActionOutcome;

before(async () => {
  source = await makeRepository(files);
  workDir = await scratchDir();
  sink = new RecordingSink();
  const baseEnv = { ...buildEnv(), STRATUS_MARKER: 'from-base-env', CI: 'false' };
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    baseEnv,
    workflow: { containerFilePath: 'ios/FieldNotes.xcodeproj' },
    action: {
      command:
        'mkdir -p "$CI_DERIVED_DATA_PATH" && echo "command cwd=$(pwd) ci=$CI" && ' +
        'cc -Wall -c src/main.c -o "$CI_DERIVED_DATA_PATH/main.o"',
    },
  });
  outcome = await runAction(plan, sink);
});

after(removeScratch);

test('the action succeeds and reports the exit code of its command', () => {
  assert.deepEqual(outcome, { status: 'SUCCEEDED', toolExitCode: 0, reason: null });
});

test('the working copy is detached at exactly the commit', () => {
  const repository = join(workDir, 'repository');
  assert.equal(git(repository, 'rev-parse', 'HEAD'), source.commit);
  assert.equal(git(repository, 'rev-parse', '--abbrev-ref', 'HEAD'), 'HEAD');
  // The branch is named, so scripts asking git about it get an answer.
  assert.equal(git(repository, 'rev-parse', 'main'), source.commit);
  assert.equal(git(repository, 'rev-parse', '--abbrev-ref', 'main@{upstream}'), 'origin/main');
});

test('ci_post_clone.sh runs through a shell from ci_scripts beside the project', async () => {
  const scripts = join(workDir, 'repository', 'ios', 'ci_scripts');
  const output = sink.output('post_clone');
  assert.ok(output.includes(`post-clone cwd=${scripts}`), output.join('\n'));
  assert.ok(output.includes(`post-clone commit=${source.commit} number=42 marker=from-base-env`));
  assert.ok(output.includes('post-clone action=build exit=unset'));
  if ((await findExecutable('zsh', buildEnv().PATH)) === null) {
    assert.ok(sink.system('post_clone').some((line) => line.startsWith('zsh is not installed')));
  }
});

test('the hooks around the command see the CI_* environment', () => {
  const repository = join(workDir, 'repository');
  assert.deepEqual(sink.output('pre_xcodebuild'), [
    'pre action=build exit=unset',
    'pre branch=main ref=refs/heads/main platform=iOS',
    `pre repository=${repository} workspace=${workDir}`,
    `pre project=${join(repository, 'ios', 'FieldNotes.xcodeproj')} scheme=FieldNotes`,
  ]);
  assert.deepEqual(sink.output('post_xcodebuild'), ['post action=build exit=0']);
});

test('the command runs in the repository with CI set over the base environment', () => {
  const output = sink.output('xcodebuild');
  const expected = `command cwd=${join(workDir, 'repository')} ci=TRUE`;
  assert.ok(output.includes(expected), output.join('\n'));
});

test('only the hooks of the honoured ci_scripts folder run', () => {
  const all = sink.lines.map((line) => line.text).join('\n');
  assert.doesNotMatch(all, /ci_pre_build\.sh/);
  assert.doesNotMatch(all, new RegExp(`${source.path}/ci_scripts`));
});

test('the compiler warning becomes a WARNING issue at its file and line', () => {
  const warnings = sink.issues.filter((issue) => issue.issueType === 'WARNING');
  assert.equal(warnings.length, 1, JSON.stringify(sink.issues));
  assert.deepEqual(warnings[0]?.fileSource, { path: 'src/main.c', lineNumber: 3 });
  assert.match(warnings[0]?.message ?? '', /unused variable .unused./);
  assert.equal(sink.issues.filter((issue) => issue.issueType === 'ERROR').length, 0);
});

test('each step is announced and closed in the log', () => {
  const system = sink.system('xcodebuild');
  assert.ok(system.some((line) => line.startsWith('$ /bin/sh -c ')), system.join('\n'));
  assert.ok(system.some((line) => /^exited with 0 after \d+\.\d s$/.test(line)), system.join('\n'));
  assert.ok(sink.system('clone').some((line) => line.includes(source.commit)));
});
