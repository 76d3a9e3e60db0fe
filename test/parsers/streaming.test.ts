import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticsParser } from '../../src/parsers/diagnostics-parser.ts';
import { LineSplitter } from '../../src/parsers/line-splitter.ts';
import { TestOutputParser } from '../../src/parsers/test-output-parser.ts';
import { collector } from './collect.ts';

const LINES = 200_000;

// A build log of the usual mix: compile commands, progress rewrites, source excerpts,
// a distinct warning every 100 lines and the same error again every 1000.
function* buildLog(): Iterable<string> {
  for (let i = 0; i < LINES; i += 1) {
    if (i % 1000 === 999) {
      yield "/src/Core/Shared.swift:7:3: error: cannot find 'legacy' in scope";
    } else if (i % 100 === 0) {
      yield `/src/Módulo ${i % 7}/File${i}.swift:${i}:5: warning: unused 'v${i}'`;
    } else if (i % 100 === 1) {
      yield `${i} |     let v${i} = 0`;
    } else if (i % 100 === 2) {
      yield '   |         `- warning: not an issue';
    } else if (i % 10 === 3) {
      yield `[${i}/${LINES}] Compiling\r[${i}/${LINES}] Compiling File${i}.swift`;
    } else {
      yield `    /usr/bin/swift-frontend -c /src/File${i}.swift -o /build/File${i}.o`;
    }
  }
}

// Deterministic chunk sizes that often split lines and multi-byte characters.
function* chunks(lines: Iterable<string>): Iterable<Buffer> {
  let pending = Buffer.alloc(0);
  let seed = 7;
  for (const line of lines) {
    pending = Buffer.concat([pending, Buffer.from(`${line}\r\n`, 'utf8')]);
    while (pending.length > 4096) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const size = 1 + (seed % 4096);
      yield pending.subarray(0, size);
      pending = pending.subarray(size);
    }
  }
  yield pending;
}

describe('streaming a long log', () => {
  it('parses 200k lines through LineSplitter and DiagnosticsParser', () => {
    const sink = collector();
    const parser = new DiagnosticsParser(sink);
    const splitter = new LineSplitter((line) => parser.push(line));
    let lines = 0;
    const counting = new LineSplitter(() => {
      lines += 1;
    });

    for (const chunk of chunks(buildLog())) {
      splitter.write(chunk);
      counting.write(chunk);
    }
    splitter.end();
    counting.end();
    parser.end();

    assert.equal(lines, LINES);
    const warnings = sink.issues.filter((issue) => issue.issueType === 'WARNING');
    const errors = sink.issues.filter((issue) => issue.issueType === 'ERROR');
    assert.equal(warnings.length, LINES / 100);
    assert.equal(errors.length, 1);
    assert.deepEqual(warnings[1], {
      issueType: 'WARNING',
      message: "unused 'v100'",
      fileSource: { path: '/src/Módulo 2/File100.swift', lineNumber: 100 },
      category: 'Compile',
    });
  });

  it('parses 50k test cases through LineSplitter and TestOutputParser', () => {
    const sink = collector();
    const parser = new TestOutputParser(sink);
    const splitter = new LineSplitter((line) => parser.push(line));

    function* testLog(): Iterable<string> {
      for (let i = 0; i < 50_000; i += 1) {
        const test = `-[AppTests.BulkTests test${i}]`;
        yield `Test Case '${test}' started.`;
        if (i % 50 === 0) yield `/src/BulkTests.swift:${i}: error: ${test} : XCTFail failed`;
        yield `Test Case '${test}' ${i % 50 === 0 ? 'failed' : 'passed'} (0.001 seconds).`;
      }
    }
    for (const chunk of chunks(testLog())) splitter.write(chunk);
    splitter.end();
    parser.end();

    assert.equal(sink.results.length, 50_000);
    assert.equal(sink.issues.length, 1000);
    assert.equal(sink.results.filter((r) => r.status === 'FAILURE').length, 1000);
  });
});
