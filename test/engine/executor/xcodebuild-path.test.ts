import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runAction } from '../../../src/engine/executor/run-action.ts';
import type { ActionOutcome, ActionPlan } from '../../../src/engine/executor/types.ts';
import {
  RecordingSink,
  STANDIN_FOLDER,
  buildEnv,
  makePlan,
  makeRepository,
  removeScratch,
  scratchDir,
  zipEntries,
} from './harness.ts';

after(removeScratch);

const HOOK = (name: string) => ({
  text:
    '#!/bin/sh\n' +
    `echo "${name} action=$CI_XCODEBUILD_ACTION exit=\${CI_XCODEBUILD_EXIT_CODE-unset}"\n`,
  executable: true,
});

const FILES = {
  'FieldNotes.xcodeproj/project.pbxproj': '// !$*UTF8*$!\n{}\n',
  'FieldNotes/ContentView.swift': 'import SwiftUI\n',
  'ci_scripts/ci_pre_xcodebuild.sh': HOOK('pre'),
  'ci_scripts/ci_post_xcodebuild.sh': HOOK('post'),
};

interface StandinRun {
  outcome: ActionOutcome;
  sink: RecordingSink;
  workDir: string;
  repository: string;
  /** The arguments of each xcodebuild invocation, in order. */
  invocations: string[][];
}

async function runWithStandin(
  action: Partial<ActionPlan['action']>,
  options: { containerFilePath?: string; scenario?: string } = {},
): Promise<StandinRun> {
  const source = await makeRepository(FILES);
  const workDir = await scratchDir();
  const record = join(workDir, 'xcodebuild-invocations.jsonl');
  const baseEnv: Record<string, string> = {
    ...buildEnv([STANDIN_FOLDER]),
    XCODEBUILD_STANDIN_RECORD: record,
  };
  if (options.scenario !== undefined) baseEnv.XCODEBUILD_STANDIN_SCENARIO = options.scenario;
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir,
    baseEnv,
    action,
    workflow: { containerFilePath: options.containerFilePath ?? 'FieldNotes.xcodeproj' },
  });

  const outcome = await runAction(plan, sink);
  const text = await readFile(record, 'utf8').catch(() => '');
  const invocations = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
  return { outcome, sink, workDir, repository: join(workDir, 'repository'), invocations };
}

test('TEST builds for testing, then tests, each between its own hooks', async () => {
  const run = await runWithStandin({
    name: 'Test - iOS',
    actionType: 'TEST',
    destination: 'ANY_IOS_SIMULATOR',
    testConfiguration: {
      kind: 'SPECIFIC_TEST_PLANS',
      testPlanName: 'Smoke',
      testDestinations: [
        {
          deviceTypeName: 'iPhone 16',
          deviceTypeIdentifier: 'com.apple.CoreSimulator.SimDeviceType.iPhone-16',
          runtimeName: 'iOS 18.2',
          runtimeIdentifier: 'com.apple.CoreSimulator.SimRuntime.iOS-18-2',
          kind: 'SIMULATOR',
        },
      ],
    },
  });
  const { workDir, repository } = run;
  const shared = [
    '-project', join(repository, 'FieldNotes.xcodeproj'),
    '-scheme', 'FieldNotes',
    '-destination', 'platform=iOS Simulator,name=iPhone 16,OS=18.2',
    '-testPlan', 'Smoke',
    '-derivedDataPath', join(workDir, 'DerivedData'),
  ];
  assert.deepEqual(run.invocations, [
    ['build-for-testing', ...shared],
    [
      'test-without-building',
      ...shared,
      '-resultBundlePath',
      join(workDir, 'resultbundle.xcresult'),
    ],
  ]);

  assert.deepEqual(run.outcome, {
    status: 'FAILED',
    toolExitCode: 65,
    reason: 'xcodebuild test-without-building exited with 65',
  });
  assert.deepEqual(run.sink.output('pre_xcodebuild'), [
    'pre action=build-for-testing exit=unset',
    'pre action=test-without-building exit=unset',
  ]);
  assert.deepEqual(run.sink.output('post_xcodebuild'), [
    'post action=build-for-testing exit=0',
    'post action=test-without-building exit=65',
  ]);

  // The failed test explains the exit code: no second issue repeats it.
  const failures = run.sink.issues.filter((issue) => issue.issueType === 'TEST_FAILURE');
  assert.equal(failures.length, 1, JSON.stringify(run.sink.issues));
  assert.deepEqual(failures[0]?.fileSource, {
    path: 'FieldNotesTests/LoginTests.swift',
    lineNumber: 88,
  });
  assert.match(failures[0]?.message ?? '', /XCTAssertEqual failed/);
  assert.equal(run.sink.issues.filter((issue) => issue.issueType === 'ERROR').length, 0);

  const results = run.sink.testResults.map((r) => `${r.className}.${r.name} ${r.status}`).sort();
  assert.equal(results.length, 3, JSON.stringify(run.sink.testResults));
  const failed = /LoginTests\.testRejectsEmptyPassword.* FAILURE$/;
  assert.ok(results.some((r) => failed.test(r)), results.join('\n'));
  assert.equal(results.filter((r) => r.endsWith(' SUCCESS')).length, 2, results.join('\n'));

  const artifacts = run.sink.artifacts.map((a) => a.fileType).sort();
  assert.deepEqual(artifacts, ['RESULT_BUNDLE', 'TEST_PRODUCTS']);
  const bundle = run.sink.artifacts.find((a) => a.fileType === 'RESULT_BUNDLE');
  assert.equal(bundle?.fileName, 'FieldNotes 42 Test - iOS.xcresult.zip');
  assert.ok((await zipEntries(bundle?.path ?? '')).has('resultbundle.xcresult/Info.plist'));
});

test('BUILD builds once and reports the compiler warning at its source line', async () => {
  const run = await runWithStandin({ actionType: 'BUILD', destination: 'ANY_IOS_DEVICE' });
  assert.deepEqual(run.invocations, [
    [
      'build',
      '-project', join(run.repository, 'FieldNotes.xcodeproj'),
      '-scheme', 'FieldNotes',
      '-destination', 'generic/platform=iOS',
      '-derivedDataPath', join(run.workDir, 'DerivedData'),
    ],
  ]);
  assert.deepEqual(run.outcome, { status: 'SUCCEEDED', toolExitCode: 0, reason: null });
  assert.deepEqual(run.sink.output('post_xcodebuild'), ['post action=build exit=0']);

  assert.equal(run.sink.issues.length, 1, JSON.stringify(run.sink.issues));
  const [warning] = run.sink.issues;
  assert.equal(warning?.issueType, 'WARNING');
  assert.deepEqual(warning?.fileSource, { path: 'FieldNotes/ContentView.swift', lineNumber: 14 });
  assert.match(warning?.message ?? '', /initialization of immutable value 'draft' was never used/);
  assert.deepEqual(run.sink.artifacts, []);
  assert.ok(run.sink.output('xcodebuild').includes('** BUILD SUCCEEDED **'));
});

test('ARCHIVE archives into the workspace and reports the zipped archive', async () => {
  const run = await runWithStandin({
    name: 'Archive - iOS',
    actionType: 'ARCHIVE',
    destination: null,
    buildDistributionAudience: 'APP_STORE_ELIGIBLE',
  });
  assert.deepEqual(run.invocations, [
    [
      'archive',
      '-project', join(run.repository, 'FieldNotes.xcodeproj'),
      '-scheme', 'FieldNotes',
      '-destination', 'generic/platform=iOS',
      '-derivedDataPath', join(run.workDir, 'DerivedData'),
      '-archivePath', join(run.workDir, 'build.xcarchive'),
    ],
  ]);
  assert.equal(run.outcome.status, 'SUCCEEDED');

  assert.equal(run.sink.artifacts.length, 1);
  const [archive] = run.sink.artifacts;
  assert.equal(archive?.fileType, 'ARCHIVE');
  assert.equal(archive?.fileName, 'FieldNotes 42 Archive - iOS.xcarchive.zip');
  assert.equal(archive?.path, join(run.workDir, 'artifacts', archive?.fileName ?? ''));
  const entries = await zipEntries(archive?.path ?? '');
  assert.ok(entries.has('build.xcarchive/Info.plist'), [...entries.keys()].join('\n'));
  assert.ok(entries.has('build.xcarchive/Products/Applications/FieldNotes.app/FieldNotes'));
});

test('ANALYZE analyzes the workspace and reports the analyzer warning', async () => {
  const run = await runWithStandin(
    { actionType: 'ANALYZE', destination: 'ANY_IOS_SIMULATOR' },
    { containerFilePath: 'FieldNotes.xcworkspace' },
  );
  assert.deepEqual(run.invocations, [
    [
      'analyze',
      '-workspace', join(run.repository, 'FieldNotes.xcworkspace'),
      '-scheme', 'FieldNotes',
      '-destination', 'generic/platform=iOS Simulator',
      '-derivedDataPath', join(run.workDir, 'DerivedData'),
    ],
  ]);
  assert.equal(run.outcome.status, 'SUCCEEDED');
  assert.deepEqual(
    run.sink.issues.map((issue) => [issue.issueType, issue.fileSource]),
    [['ANALYZER_WARNING', { path: 'FieldNotes/Legacy/NoteArchiver.m', lineNumber: 27 }]],
  );
});

test('a compile error fails the build, reported once by the parser', async () => {
  const run = await runWithStandin({ actionType: 'BUILD' }, { scenario: 'failing-build' });
  assert.deepEqual(run.outcome, {
    status: 'FAILED',
    toolExitCode: 65,
    reason: 'xcodebuild build exited with 65',
  });
  assert.deepEqual(run.sink.output('post_xcodebuild'), ['post action=build exit=65']);
  const errors = run.sink.issues.filter((issue) => issue.issueType === 'ERROR');
  assert.equal(errors.length, 1, JSON.stringify(run.sink.issues));
  assert.deepEqual(errors[0]?.fileSource, { path: 'FieldNotes/NoteStore.swift', lineNumber: 31 });
});
