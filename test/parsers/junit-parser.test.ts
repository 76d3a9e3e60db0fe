import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type {
  DestinationTestResult,
  TestResultRecord,
  TestStatus,
} from '../../src/model/records.ts';
import { destinationUuid } from '../../src/parsers/destination.ts';
import { parseJUnitXml } from '../../src/parsers/junit-parser.ts';
import { collector, fixtureStream } from './collect.ts';

const LOGIN_TESTS = '/Users/dev/Projects/My App/MyAppTests/LoginTests.swift';
const LOCAL = destinationUuid({ deviceName: 'Local machine', osVersion: '' });

function local(status: TestStatus, duration: number | null): DestinationTestResult[] {
  return [{ uuid: LOCAL, deviceName: 'Local machine', osVersion: '', status, duration }];
}

function result(
  className: string,
  name: string,
  status: TestStatus,
  duration: number | null,
  extra: Partial<Pick<TestResultRecord, 'message' | 'fileSource'>> = {},
): TestResultRecord {
  return {
    className,
    name,
    status,
    fileSource: extra.fileSource ?? null,
    message: extra.message ?? null,
    destinationTestResults: local(status, duration),
  };
}

async function parse(input: NodeJS.ReadableStream | AsyncIterable<string | Buffer>) {
  const sink = collector();
  await parseJUnitXml(input, sink);
  return sink;
}

async function* pieces(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('parseJUnitXml on real reporters', () => {
  it("reads node's junit reporter, taking the class from the suite", async () => {
    const { results, issues } = await parse(fixtureStream('junit-node.xml'));

    assert.deepEqual(results, [
      result('math', 'adds', 'SUCCESS', 0.000496),
      result('math', 'fails', 'FAILURE', 0.000817, {
        message: 'Expected values to be strictly equal:2 !== 3',
      }),
      result('math', 'skipped one', 'SKIPPED', 0.000077),
      result('math', 'todo one', 'SKIPPED', 0.000099),
      result('nested', 'deep & <ok>', 'SUCCESS', 0.000927),
      result('test', 'top level', 'SUCCESS', 0.000123),
      result('test', 'throws', 'FAILURE', 0.000131, { message: 'boomsecond line' }),
    ]);
    assert.deepEqual(issues, [
      {
        issueType: 'TEST_FAILURE',
        message: 'Expected values to be strictly equal:2 !== 3',
        fileSource: null,
        category: 'Test',
      },
      { issueType: 'TEST_FAILURE', message: 'boomsecond line', fileSource: null, category: 'Test' },
    ]);
  });

  it('reads pytest, with its zero-based line numbers made one-based', async () => {
    const { results, issues } = await parse(fixtureStream('junit-pytest.xml'));
    const file = (lineNumber: number) => ({ path: 'test_sample.py', lineNumber });

    assert.equal(results.length, 5);
    assert.deepEqual(results[0], result('test_sample.TestLogin', 'test_ok', 'SUCCESS', 0, {
      fileSource: file(4),
    }));
    assert.deepEqual(results[1], result('test_sample.TestLogin', 'test_bad', 'FAILURE', 0, {
      message: 'AssertionError: numbers differ\nassert 1 == 2',
      fileSource: file(7),
    }));
    assert.deepEqual(results[2], result('test_sample', 'test_skip', 'SKIPPED', 0, {
      message: 'not on linux',
      fileSource: file(10),
    }));
    assert.equal(results[3]!.status, 'FAILURE');
    assert.match(results[3]!.message!, /^failed on setup with "file .*test_sample\.py, line 13\n/);
    assert.deepEqual(results[4], result('test_sample', 'test_xfail', 'EXPECTED_FAILURE', 0, {
      fileSource: file(16),
    }));
    assert.deepEqual(
      issues.map((issue) => [issue.issueType, issue.fileSource]),
      [
        ['TEST_FAILURE', file(7)],
        ['TEST_FAILURE', file(13)],
      ],
    );
  });

  it('reads jest-junit, taking the message from the first line of the failure text', async () => {
    const { results } = await parse(fixtureStream('junit-jest.xml'));
    const submits = 'Login form submits valid credentials';
    const wrong = 'Login form shows an error for a wrong password';
    const remembers = 'Login form remembers the user';
    assert.deepEqual(results, [
      result(submits, submits, 'SUCCESS', 0.021),
      result(wrong, wrong, 'FAILURE', 0.034, {
        message: 'Error: expect(received).toBe(expected) // Object.is equality',
      }),
      result(remembers, remembers, 'SKIPPED', 0),
      result('Cart totals', 'Cart totals', 'SUCCESS', 0.002, {
        fileSource: { path: '/app/src/cart.test.js', lineNumber: null },
      }),
    ]);
  });

  it('reads the failure location xcpretty puts in the failure text', async () => {
    const { results, issues } = await parse(fixtureStream('junit-xcpretty.xml'));
    const location = { path: LOGIN_TESTS, lineNumber: 42 };
    assert.deepEqual(results, [
      result('MyAppTests.LoginTests', 'testAcceptsValidPassword', 'SUCCESS', 0.004),
      result('MyAppTests.LoginTests', 'testRejectsEmptyPassword', 'FAILURE', null, {
        message: 'XCTAssertEqual failed: ("200") is not equal to ("401")',
        fileSource: location,
      }),
      result('MyAppTests.LoginTests', 'testKeychain', 'SKIPPED', null),
    ]);
    assert.deepEqual(issues[0]!.fileSource, location);
  });

  it('reads the failure location xcbeautify puts in the message', async () => {
    const { results } = await parse(fixtureStream('junit-xcbeautify.xml'));
    assert.deepEqual(results[1], result('LoginTests', 'testRejectsEmptyPassword', 'FAILURE', null, {
      message: 'XCTAssertEqual failed: ("200") is not equal to ("401")',
      fileSource: { path: LOGIN_TESTS, lineNumber: 42 },
    }));
    assert.equal(results[2]!.status, 'SKIPPED');
  });
});

describe('parseJUnitXml on any input', () => {
  it('reads a bare <testsuite>, <error>, CDATA and a missing classname', async () => {
    const xml = [
      '<testsuite name="ApiTests" tests="2">',
      '  <testcase name="rejects tokens" time="0.5">',
      '    <error message="" type="TypeError"><![CDATA[TypeError: token is undefined',
      '    at check (api.js:3:1)]]></error>',
      '  </testcase>',
      '  <testcase name="lists" time="0.1"><system-out>lots of output</system-out></testcase>',
      '</testsuite>',
    ].join('\n');
    const { results } = await parse(Readable.from([xml]));
    assert.deepEqual(results, [
      result('ApiTests', 'rejects tokens', 'FAILURE', 0.5, {
        message: 'TypeError: token is undefined',
      }),
      result('ApiTests', 'lists', 'SUCCESS', 0.1),
    ]);
  });

  it('reads a report that arrives a few bytes at a time, splitting characters', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><testsuites><testsuite name="Überprüfung">' +
      '<testcase classname="Prüfer" name="prüft 🚀" time="1"><failure message="größer als ✓"/>' +
      '</testcase></testsuite></testsuites>';
    const { results } = await parse(pieces(xml, 3));
    assert.deepEqual(results, [
      result('Prüfer', 'prüft 🚀', 'FAILURE', 1, { message: 'größer als ✓' }),
    ]);
  });

  it('keeps only a bounded part of a huge failure text', async () => {
    async function* huge(): AsyncIterable<string> {
      yield '<testsuites><testsuite name="s"><testcase classname="c" name="n"><failure>';
      const block = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 160; i += 1) yield block;
      yield '</failure><system-out>';
      for (let i = 0; i < 160; i += 1) yield block;
      yield '</system-out></testcase></testsuite></testsuites>';
    }
    const { results } = await parse(huge());
    assert.equal(results.length, 1);
    assert.equal(results[0]!.status, 'FAILURE');
    assert.ok(results[0]!.message!.length <= 8 * 1024);
  });

  it('streams a large report, emitting each case as it closes', async () => {
    const count = 20_000;
    async function* report(): AsyncIterable<string> {
      yield '<testsuites><testsuite name="Bulk">';
      for (let i = 0; i < count; i += 1) {
        const outcome = i % 10 === 0 ? '<failure message="boom"/>' : '';
        yield `<testcase classname="Bulk" name="case ${i}" time="0.001">${outcome}` +
          `<system-out>${'log line\n'.repeat(50)}</system-out></testcase>`;
      }
      yield '</testsuite></testsuites>';
    }
    const { results, issues } = await parse(report());
    assert.equal(results.length, count);
    assert.equal(issues.length, count / 10);
    assert.equal(results.filter((r) => r.status === 'FAILURE').length, count / 10);
  });
});

describe('parseJUnitXml on bad input', () => {
  it('rejects a truncated report, naming the problem, after emitting what it read', async () => {
    const sink = collector();
    const xml =
      '<testsuites><testsuite name="s"><testcase classname="c" name="done"/><testcase name';
    await assert.rejects(
      parseJUnitXml(Readable.from([xml]), sink),
      /^Error: Invalid JUnit XML: 1:\d+: /,
    );
    assert.deepEqual(sink.results.map((r) => r.name), ['done']);
  });

  it('rejects an unclosed root', async () => {
    await assert.rejects(
      parse(Readable.from(['<testsuites><testsuite name="s">'])),
      { message: /Invalid JUnit XML: .*unclosed tag: testsuite/ },
    );
  });

  it('rejects text that is not XML and an empty file', async () => {
    const text = Readable.from(['Build failed: no tests ran\n']);
    await assert.rejects(parse(text), /Invalid JUnit XML/);
    await assert.rejects(parse(Readable.from([])), /Invalid JUnit XML: .*root element/);
  });

  it('rejects mismatched tags', async () => {
    await assert.rejects(
      parse(Readable.from(['<testsuites><testcase name="a"></testsuite></testsuites>'])),
      /Invalid JUnit XML: 1:\d+: unexpected close tag/,
    );
  });

  it('rejects well-formed XML that is not a JUnit report', async () => {
    await assert.rejects(
      parse(Readable.from(['<html><body>502 Bad Gateway</body></html>'])),
      { message: 'Not a JUnit report: the root element is <html>, not <testsuites>' },
    );
  });

  it('passes on an error of the input stream', async () => {
    const input = new Readable({
      read() {
        this.destroy(new Error('EIO: i/o error, read'));
      },
    });
    await assert.rejects(parse(input), { message: 'EIO: i/o error, read' });
  });
});
