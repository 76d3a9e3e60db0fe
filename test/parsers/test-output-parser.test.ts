import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  DestinationTestResult,
  TestResultRecord,
  TestStatus,
} from '../../src/model/records.ts';
import { destinationUuid } from '../../src/parsers/destination.ts';
import { TestOutputParser } from '../../src/parsers/test-output-parser.ts';
import { collector, feed, fixtureLines } from './collect.ts';

function run(lines: string[]) {
  const sink = collector();
  feed(new TestOutputParser(sink), lines);
  return sink;
}

function on(
  deviceName: string,
  status: TestStatus,
  duration: number | null,
  osVersion = '',
): DestinationTestResult {
  const uuid = destinationUuid({ deviceName, osVersion });
  return { uuid, deviceName, osVersion, status, duration };
}

function result(
  className: string,
  name: string,
  status: TestStatus,
  destinations: DestinationTestResult[],
  extra: Partial<Pick<TestResultRecord, 'message' | 'fileSource'>> = {},
): TestResultRecord {
  return {
    className,
    name,
    status,
    fileSource: extra.fileSource ?? null,
    message: extra.message ?? null,
    destinationTestResults: destinations,
  };
}

const RESTARTED =
  'Test crashed or timed out: the test process exited unexpectedly while it ran, ' +
  'and xcodebuild restarted it.';
const ENDED = 'Test crashed or timed out: the test process ended before the test finished.';
const LOGIN = '/Users/dev/Projects/My App/MyAppTests/LoginTests.swift';

describe('TestOutputParser on XCTest', () => {
  it('reads xcodebuild on macOS: failures, a multi-line message, a skip and a crash', () => {
    const { results, issues } = run(fixtureLines('xctest-macos.log'));
    const mac = (status: TestStatus, duration: number | null) => [on('My Mac', status, duration)];
    const rejected =
      'XCTAssertEqual failed: ("Optional("ok")") is not equal to ("nil") - status: [401]';

    assert.deepEqual(results, [
      result('LoginTests', 'testAcceptsValidPassword()', 'SUCCESS', mac('SUCCESS', 0.004)),
      result('LoginTests', 'testRejectsEmptyPassword()', 'FAILURE', mac('FAILURE', 0.012), {
        message: rejected,
        fileSource: { path: LOGIN, lineNumber: 42 },
      }),
      result('LoginTests', 'testRendersBanner()', 'FAILURE', [on('My Mac', 'FAILURE', 0.003)], {
        message: 'XCTAssertEqual failed: ("Welcome\nback") is not equal to ("Welcome\nhome")',
        fileSource: { path: LOGIN, lineNumber: 58 },
      }),
      result('LoginTests', 'testKeychainOnDevice()', 'SKIPPED', [on('My Mac', 'SKIPPED', 0.001)], {
        message: 'Keychain is unavailable in this environment',
        fileSource: { path: LOGIN, lineNumber: 71 },
      }),
      result('SessionTests', 'testRestoresSession()', 'FAILURE', [on('My Mac', 'FAILURE', null)], {
        message: RESTARTED,
      }),
      result('SessionTests', 'testSignsOut()', 'SUCCESS', [on('My Mac', 'SUCCESS', 0.002)]),
    ]);

    assert.deepEqual(issues, [
      {
        issueType: 'TEST_FAILURE',
        message: rejected,
        fileSource: { path: LOGIN, lineNumber: 42 },
        category: 'Test',
      },
      {
        issueType: 'TEST_FAILURE',
        message: 'XCTAssertEqual failed: ("Welcome\nback") is not equal to ("Welcome\nhome")',
        fileSource: { path: LOGIN, lineNumber: 58 },
        category: 'Test',
      },
      { issueType: 'TEST_FAILURE', message: RESTARTED, fileSource: null, category: 'Test' },
    ]);
  });

  it('reads swift-corelibs XCTest on Linux, where the process dies inside a test', () => {
    const { results, issues } = run(fixtureLines('xctest-linux.log'));
    const tests = '/home/ci/work/app/Tests/AppTests/LoginTests.swift';
    const local = (status: TestStatus, duration: number | null) =>
      on('Local machine', status, duration);

    assert.deepEqual(results, [
      result('LoginTests', 'testAcceptsValidPassword()', 'SUCCESS', [local('SUCCESS', 0.001)]),
      result('LoginTests', 'testRejectsEmptyPassword()', 'FAILURE', [local('FAILURE', 0.002)], {
        message: 'XCTAssertEqual failed: ("200") is not equal to ("401") - status code',
        fileSource: { path: tests, lineNumber: 42 },
      }),
      result('LoginTests', 'testSkipsOnLinux()', 'SKIPPED', [local('SKIPPED', 0)], {
        message: 'Needs the Keychain',
        fileSource: { path: tests, lineNumber: 80 },
      }),
      result('ParserTests', 'testParsesHeader()', 'FAILURE', [local('FAILURE', null)], {
        message: `Fatal error: Index out of range\n${ENDED}`,
        fileSource: { path: 'Swift/ContiguousArrayBuffer.swift', lineNumber: 600 },
      }),
    ]);
    assert.deepEqual(
      issues.map((issue) => [issue.issueType, issue.message]),
      [
        ['TEST_FAILURE', 'XCTAssertEqual failed: ("200") is not equal to ("401") - status code'],
        ['TEST_FAILURE', `Fatal error: Index out of range\n${ENDED}`],
      ],
    );
  });

  it('merges parallel clones and destinations into one result per test', () => {
    const { results, issues } = run(fixtureLines('xctest-parallel.log'));
    const iPhone = 'iPhone 16';
    const iPad = 'iPad Air 11-inch (M2)';

    assert.deepEqual(results, [
      result('LoginTests', 'testAcceptsValidPassword()', 'SUCCESS', [
        on(iPhone, 'SUCCESS', 0.004),
        on(iPad, 'SUCCESS', 0.005),
      ]),
      result(
        'LoginTests',
        'testRotation()',
        'MIXED',
        [on(iPad, 'FAILURE', 0.21), on(iPhone, 'SUCCESS', 0.198)],
        { message: `LoginTests.testRotation() failed on ${iPad}` },
      ),
      result(
        'LoginTests',
        'testOfflineBanner()',
        'FAILURE',
        [on(iPhone, 'FAILURE', 0.05), on(iPad, 'FAILURE', 0.061)],
        { message: `LoginTests.testOfflineBanner() failed on ${iPhone}, ${iPad}` },
      ),
      result('LoginTests', 'testLegacyFlow()', 'SKIPPED', [
        on(iPhone, 'SKIPPED', 0),
        on(iPad, 'SKIPPED', 0),
      ]),
      // Failed on one clone of the iPhone, passed on another: one destination, both runs.
      result(
        'SyncTests',
        'testRetriesUpload()',
        'MIXED',
        [on(iPhone, 'MIXED', 2), on(iPad, 'SUCCESS', 0.45)],
        { message: `SyncTests.testRetriesUpload() failed on ${iPhone}` },
      ),
    ]);
    assert.deepEqual(
      issues.map((issue) => issue.message),
      [
        `LoginTests.testRotation() failed on ${iPad}`,
        `LoginTests.testOfflineBanner() failed on ${iPhone}, ${iPad}`,
        `SyncTests.testRetriesUpload() failed on ${iPhone}`,
      ],
    );
  });

  it('reports on the single destination of the xcodebuild command line', () => {
    const { results } = run([
      'Command line invocation:',
      '    /Applications/Xcode.app/Contents/Developer/usr/bin/xcodebuild test -scheme App ' +
        "-destination 'platform=iOS Simulator,name=iPhone 15 Pro,OS=17.5'",
      "Test Case '-[AppTests.FeedTests testLoads]' started.",
      "Test Case '-[AppTests.FeedTests testLoads]' passed (0.010 seconds).",
    ]);
    assert.deepEqual(results[0]!.destinationTestResults, [
      on('iPhone 15 Pro', 'SUCCESS', 0.01, '17.5'),
    ]);
  });

  it('keeps Objective-C test names as printed', () => {
    const { results } = run([
      "Test Case '-[LegacyTests testParsesPlist]' started.",
      "Test Case '-[LegacyTests testParsesPlist]' passed (0.001 seconds).",
    ]);
    assert.equal(results[0]!.className, 'LegacyTests');
    assert.equal(results[0]!.name, 'testParsesPlist');
  });

  it('gives a message continuation lines until the next test line, and no more than 50', () => {
    const body = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`);
    const { results } = run([
      "Test Case '-[T.DiffTests testDiff]' started.",
      '/p/DiffTests.swift:7: error: -[T.DiffTests testDiff] : XCTAssertEqual failed: ("a',
      ...body,
      "Test Case '-[T.DiffTests testDiff]' failed (0.001 seconds).",
      'printed later by something else',
    ]);
    const expected = ['XCTAssertEqual failed: ("a', ...body.slice(0, 50)].join('\n');
    assert.equal(results[0]!.message, expected);
  });

  it('does not take timestamped log lines into a failure message', () => {
    const { results } = run([
      "Test Case '-[T.NetTests testFetch]' started.",
      '/p/NetTests.swift:3: error: -[T.NetTests testFetch] : XCTAssertNil failed: "timeout"',
      '2025-03-14 09:12:03.902 xctest[48213:2210931] URLSession finished',
      'unrelated output',
      "Test Case '-[T.NetTests testFetch]' failed (1.000 seconds).",
    ]);
    assert.equal(results[0]!.message, 'XCTAssertNil failed: "timeout"');
  });

  it('fails a test that was running when another one started in the same process', () => {
    const { results } = run([
      "Test Case 'CacheTests.testEvicts' started at 2025-03-14 09:20:11.502",
      "Test Case 'CacheTests.testWarms' started at 2025-03-14 09:20:13.100",
      "Test Case 'CacheTests.testWarms' passed (0.001 seconds)",
    ]);
    assert.deepEqual(
      results.map((r) => [r.name, r.status, r.message]),
      [
        ['testEvicts()', 'FAILURE', ENDED],
        ['testWarms()', 'SUCCESS', null],
      ],
    );
  });

  it('fails a test that was running when a new test process started', () => {
    const { results } = run([
      "Test Case '-[T.MapTests testZoom]' started.",
      "Test Suite 'Selected tests' started at 2025-03-14 09:12:03.410.",
      "Test Case '-[T.MapTests testPan]' started.",
      "Test Case '-[T.MapTests testPan]' passed (0.002 seconds).",
    ]);
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [
        ['testZoom()', 'FAILURE'],
        ['testPan()', 'SUCCESS'],
      ],
    );
  });

  it('fails a test that crashed in a parallel run where only the restart names it', () => {
    const { results } = run([
      'Restarting after unexpected exit, crash, or test timeout in MapTests.testZoom(); ' +
        'summary will include totals from previous launches.',
      "Test case 'MapTests.testPan()' passed on 'Clone 1 of iPhone 16 - Maps (5001)' " +
        '(0.002 seconds)',
    ]);
    assert.deepEqual(
      results[0],
      result('MapTests', 'testZoom()', 'FAILURE', [on('iPhone 16', 'FAILURE', null)], {
        message: RESTARTED,
      }),
    );
  });

  it('keeps a test from the closing "Failing tests:" list that printed nothing else', () => {
    const { results, issues } = run([
      "Test case 'A.testOne()' passed on 'iPhone 16 - App (1)' (0.001 seconds)",
      'Failing tests:',
      '\tAppUITests:',
      "\t\tOnboardingTests.testSkip() on 'Clone 1 of iPhone 16 - AppUITests-Runner (41)'",
      '',
      '** TEST FAILED **',
    ]);
    assert.deepEqual(
      results[1],
      result('OnboardingTests', 'testSkip()', 'FAILURE', [on('iPhone 16', 'FAILURE', null)], {
        message: 'OnboardingTests.testSkip() failed',
      }),
    );
    assert.equal(issues.length, 1);
  });

  it('ignores compiler output and emits once however often end() is called', () => {
    const sink = collector();
    const parser = new TestOutputParser(sink);
    parser.push("/p/App/Feed.swift:9:5: error: cannot find 'load' in scope");
    parser.push("Test Case 'FeedTests.testLoads' passed (0.001 seconds)");
    parser.end();
    parser.end();
    assert.equal(sink.results.length, 1);
    assert.deepEqual(sink.issues, []);
  });
});

describe('TestOutputParser on Swift Testing', () => {
  it('reads passes, failures with details, parameterized tests, skips and known issues', () => {
    const { results, issues } = run(fixtureLines('swift-testing.log'));
    const local = (status: TestStatus, duration: number | null) =>
      on('Local machine', status, duration);
    const cart = (lineNumber: number) => ({ path: 'CartTests.swift', lineNumber });

    assert.deepEqual(results, [
      result('CartTests', 'addsItem()', 'SUCCESS', [local('SUCCESS', 0.001)]),
      result('CartTests', 'removesItem()', 'FAILURE', [local('FAILURE', 0.002)], {
        message:
          'Expectation failed: (cart.count → 1) == 0\nRemoving the last item should empty the cart',
        fileSource: cart(24),
      }),
      result('CartTests', 'Applies discount codes', 'FAILURE', [local('FAILURE', 0.003)], {
        message: 'Expectation failed: (total → 90.0) == 85.0',
        fileSource: cart(40),
      }),
      result('CartTests', 'checkoutOnDevice()', 'SKIPPED', [local('SKIPPED', null)], {
        message: 'Needs a paired device',
      }),
      result(
        'CartTests',
        'knownRounding()',
        'EXPECTED_FAILURE',
        [local('EXPECTED_FAILURE', 0.001)],
        { message: 'Expectation failed: 0.1 + 0.2 == 0.3' },
      ),
      result('', 'appLaunches()', 'SUCCESS', [local('SUCCESS', 0.001)]),
    ]);
    assert.deepEqual(
      issues.map((issue) => [issue.issueType, issue.fileSource?.lineNumber]),
      [
        ['TEST_FAILURE', 24],
        ['TEST_FAILURE', 40],
      ],
    );
  });

  it('reads the Windows symbols, SF Symbols and colour codes alike', () => {
    const { results } = run([
      '\u25CA Test parses() started.',
      '\u221A Test parses() passed after 0.010 seconds.',
      '\u{1007C8} Test renders() started.',
      '\u{100884} Test renders() recorded an issue at View.swift:3:1: Expectation failed: ok',
      '\u{100884} Test renders() failed after 0.020 seconds with 1 issue.',
      '\x1b[92m\u2714\x1b[0m \x1b[91m\u25CF\x1b[0m Test colours() passed after 0.030 seconds.',
    ]);
    assert.deepEqual(
      results.map((r) => [r.name, r.status, r.destinationTestResults[0]!.duration]),
      [
        ['parses()', 'SUCCESS', 0.01],
        ['renders()', 'FAILURE', 0.02],
        ['colours()', 'SUCCESS', 0.03],
      ],
    );
  });

  it('fails every test still running when the output ends', () => {
    const { results, issues } = run([
      '◇ Test run started.',
      '◇ Test uploadsLargeFile() started.',
      '◇ Test resumesDownload() started.',
      '✔ Test resumesDownload() passed after 0.4 seconds.',
    ]);
    assert.deepEqual(results, [
      result('', 'uploadsLargeFile()', 'FAILURE', [on('Local machine', 'FAILURE', null)], {
        message: ENDED,
      }),
      result('', 'resumesDownload()', 'SUCCESS', [on('Local machine', 'SUCCESS', 0.4)]),
    ]);
    assert.deepEqual(issues, [
      { issueType: 'TEST_FAILURE', message: ENDED, fileSource: null, category: 'Test' },
    ]);
  });

  it('leaves the class blank while more than one suite is open', () => {
    const { results } = run([
      '◇ Suite CartTests started.',
      '◇ Suite SyncTests started.',
      '◇ Test example() started.',
      '✔ Test example() passed after 0.001 seconds.',
      '✔ Suite CartTests passed after 0.002 seconds.',
      '◇ Test uploads() started.',
      '✔ Test uploads() passed after 0.001 seconds.',
    ]);
    assert.deepEqual(
      results.map((r) => [r.className, r.name]),
      [
        ['', 'example()'],
        ['SyncTests', 'uploads()'],
      ],
    );
  });
});

describe('destination uuids', () => {
  it('are name-based version 5 uuids, stable for a device and distinct across devices', () => {
    const phone = destinationUuid({ deviceName: 'iPhone 16', osVersion: '18.2' });
    assert.match(phone, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(phone, destinationUuid({ deviceName: 'iPhone 16', osVersion: '18.2' }));
    assert.notEqual(phone, destinationUuid({ deviceName: 'iPhone 16', osVersion: '18.1' }));
    assert.notEqual(phone, destinationUuid({ deviceName: 'iPhone 16 Pro', osVersion: '18.2' }));
  });
});
