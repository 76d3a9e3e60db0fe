import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runAction } from '../../../src/engine/executor/run-action.ts';
import { shellQuote } from '../../../src/engine/executor/shell-quote.ts';
import {
  RecordingSink,
  makePlan,
  makeRepository,
  removeScratch,
  scratchDir,
} from './harness.ts';

after(removeScratch);

const TESTS = [
  "import test from 'node:test';",
  "import assert from 'node:assert/strict';",
  '',
  "test('adds', () => assert.equal(1 + 1, 2));",
  "test('subtracts', () => assert.equal(3 - 1, 1));",
  '',
].join('\n');

test("node's JUnit report becomes test results and a failing test fails the action", async () => {
  const source = await makeRepository({ 'tests/math.test.mjs': TESTS });
  const sink = new RecordingSink();
  // node writes the report but does not make its folder.
  const runTests = 'mkdir -p build/reports && ' + shellQuote([
    process.execPath,
    '--test',
    '--test-reporter=junit',
    '--test-reporter-destination=build/reports/junit.xml',
    'tests/math.test.mjs',
  ]);
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir: await scratchDir(),
    action: { actionType: 'TEST', command: runTests, testReports: 'build/reports/*.xml' },
  });

  const outcome = await runAction(plan, sink);

  // node --test exits 1 for the failed test; the failure explains it.
  assert.deepEqual(outcome, {
    status: 'FAILED',
    toolExitCode: 1,
    reason: 'the command exited with 1',
  });
  const results = sink.testResults.map((r) => [r.name, r.status]).sort();
  assert.deepEqual(results, [
    ['adds', 'SUCCESS'],
    ['subtracts', 'FAILURE'],
  ]);
  const issues = sink.issues.map((i) => i.issueType);
  assert.deepEqual(issues, ['TEST_FAILURE'], JSON.stringify(sink.issues));
  assert.ok(sink.system('reports').includes('reading test report build/reports/junit.xml'));
});

test('a passing run with a report succeeds', async () => {
  const source = await makeRepository({
    'tests/ok.test.mjs': "import test from 'node:test';\ntest('works', () => {});\n",
  });
  const sink = new RecordingSink();
  const command = shellQuote([
    process.execPath,
    '--test',
    '--test-reporter=junit',
    '--test-reporter-destination=junit.xml',
    'tests/ok.test.mjs',
  ]);
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir: await scratchDir(),
    action: { actionType: 'TEST', command, testReports: '**/junit.xml' },
  });

  const outcome = await runAction(plan, sink);

  assert.deepEqual(outcome, { status: 'SUCCEEDED', toolExitCode: 0, reason: null });
  assert.deepEqual(sink.testResults.map((r) => [r.name, r.status]), [['works', 'SUCCESS']]);
});

test('a test failure fails the action even when the command exits 0', async () => {
  const source = await makeRepository({ 'README.md': 'hello\n' });
  const report =
    '<testsuites><testsuite name="Math" tests="1" failures="1">' +
    '<testcase classname="Math" name="divides"><failure message="expected 2, got 3"/></testcase>' +
    '</testsuite></testsuites>';
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir: await scratchDir(),
    action: { command: `printf '%s' '${report}' > report.xml`, testReports: 'report.xml' },
  });

  const outcome = await runAction(plan, sink);

  assert.deepEqual(outcome, { status: 'FAILED', toolExitCode: 0, reason: '1 test failed' });
  assert.deepEqual(sink.issues.map((i) => i.issueType), ['TEST_FAILURE']);
});

test('a malformed report is an error naming the file', async () => {
  const source = await makeRepository({ 'README.md': 'hello\n' });
  const sink = new RecordingSink();
  const plan = makePlan({
    url: source.path,
    commit: source.commit,
    workDir: await scratchDir(),
    action: {
      command:
        'mkdir -p reports && ' +
        `printf '<testsuites><testsuite name="x"><testcase' > reports/broken.xml`,
      testReports: 'reports/*.xml',
    },
  });

  const outcome = await runAction(plan, sink);

  assert.equal(outcome.status, 'FAILED');
  assert.match(outcome.reason ?? '', /^test report reports\/broken\.xml could not be read/);
  const errors = sink.issues.filter((i) => i.issueType === 'ERROR');
  assert.equal(errors.length, 1, JSON.stringify(sink.issues));
  assert.equal(errors[0]?.category, 'Test reports');
  assert.match(errors[0]?.message ?? '', /reports\/broken\.xml/);
});
