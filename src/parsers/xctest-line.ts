import type { FileLocation } from '../model/records.ts';

/** A test as XCTest names it, reduced to the class and method that identify it. */
export interface XCTestName {
  className: string;
  name: string;
  /** Printed as `-[Class method]`, which only Apple platforms do. */
  bracketed: boolean;
}

export type XCTestLine =
  | { kind: 'started'; test: XCTestName; destination: string }
  | {
      kind: 'finished';
      test: XCTestName;
      status: 'SUCCESS' | 'FAILURE' | 'SKIPPED';
      duration: number | null;
      destination: string;
    }
  | { kind: 'failure'; test: XCTestName; message: string; fileSource: FileLocation | null }
  | {
      kind: 'skip-reason';
      test: XCTestName;
      reason: string | null;
      fileSource: FileLocation | null;
    }
  | { kind: 'restart'; test: XCTestName | null }
  | { kind: 'launch'; destination: string }
  | { kind: 'runtime-failure'; message: string; fileSource: FileLocation | null }
  | { kind: 'failing-tests' }
  | { kind: 'other' };

// A bracketed name, or a dotted one: a bare word after `error:` is a compiler message.
const TEST = String.raw`([-+]\[[^\]]+\]|[^\s':]+[./][^\s':]+)`;
const CASE_STARTED = /^Test [Cc]ase '([^']+)' started(?: on '(.+)')?(?:\.$| at |$)/;
const CASE_FINISHED = new RegExp(
  String.raw`^Test [Cc]ase '([^']+)' (passed|failed|skipped)(?: on '(.+?)')?` +
    String.raw`(?: \((\d+(?:\.\d+)?) seconds\))?\.?$`,
);
// macOS: `/p/File.swift:42: error: -[Mod.Class testFoo] : XCTAssertTrue failed`
// Linux: `/p/File.swift:42: error: Class.testFoo : XCTAssertTrue failed`
const FAILURE = new RegExp(
  String.raw`^(.+?):(\d+): error: ${TEST} : (?:'[^']*' \[FAILED\], )?(.*)$`,
);
const SKIP_REASON = new RegExp(
  String.raw`^(?:(.+?):(\d+): )?${TEST} : Test skipped(?: - (.*))?$`,
);
const RESTART =
  /^Restarting after unexpected exit, crash, or test timeout(?: in ([^;]+?))?(?:;.*)?$/;
// A test process starting up: what was still running before it has died.
const LAUNCH = /^Test [Ss]uite '(?:All tests|Selected tests|[^']+\.xctest)' started(?: on '(.+)')?/;
const OTHER = new RegExp(
  [
    String.raw`^Test [Ss]uite '[^']*' (?:started|passed|failed|finished)`,
    String.raw`^\s*Executed \d+ tests?, `,
    String.raw`^Test session results`,
    String.raw`^Testing (?:started|passed|failed|cancelled)\b`,
    String.raw`^\*\* TEST `,
  ].join('|'),
);
// Swift runtime traps: `File.swift:12: Fatal error: Unexpectedly found nil ...`
const FATAL_ERROR = /^(?:(.+?):(\d+): )?Fatal error(?:: (.*))?$/;
// UI tests report assertions from inside an activity: `    t =  1.23s Assertion Failure: ...`
const UI_ASSERTION = /^\s+t = +[\d.]+s +Assertion Failure: (.+?):(\d+): (.*)$/;

/** Reads one cleaned line of XCTest output as xcodebuild or swift-corelibs prints it. */
export function parseXCTestLine(line: string): XCTestLine | undefined {
  if (line.startsWith('Test ')) return parseTestPrefixed(line);

  let match = FAILURE.exec(line);
  if (match !== null) {
    const test = parseXCTestName(match[3]!);
    if (test === undefined) return undefined;
    const fileSource = location(match[1]!, match[2]!);
    return { kind: 'failure', test, message: match[4]!, fileSource };
  }

  match = SKIP_REASON.exec(line);
  if (match !== null) {
    const test = parseXCTestName(match[3]!);
    if (test === undefined) return undefined;
    const fileSource = match[1] === undefined ? null : location(match[1], match[2]!);
    return { kind: 'skip-reason', test, reason: match[4] ?? null, fileSource };
  }

  match = RESTART.exec(line);
  if (match !== null) {
    const test = match[1] === undefined ? undefined : parseXCTestName(match[1]);
    return { kind: 'restart', test: test ?? null };
  }

  match = FATAL_ERROR.exec(line);
  if (match !== null) {
    const fileSource = match[1] === undefined ? null : location(match[1], match[2]!);
    const message = `Fatal error: ${match[3] ?? ''}`.trim();
    return { kind: 'runtime-failure', message, fileSource };
  }

  match = UI_ASSERTION.exec(line);
  if (match !== null) {
    const fileSource = location(match[1]!, match[2]!);
    return { kind: 'runtime-failure', message: match[3]!, fileSource };
  }

  if (line === 'Failing tests:') return { kind: 'failing-tests' };
  if (OTHER.test(line)) return { kind: 'other' };
  return undefined;
}

function parseTestPrefixed(line: string): XCTestLine | undefined {
  let match = CASE_FINISHED.exec(line);
  if (match !== null) {
    const test = parseXCTestName(match[1]!);
    if (test === undefined) return undefined;
    const verdict = match[2]!;
    const status = verdict === 'passed' ? 'SUCCESS' : verdict === 'failed' ? 'FAILURE' : 'SKIPPED';
    const duration = match[4] === undefined ? null : Number(match[4]);
    return { kind: 'finished', test, status, duration, destination: match[3] ?? '' };
  }

  match = CASE_STARTED.exec(line);
  if (match !== null) {
    const test = parseXCTestName(match[1]!);
    if (test === undefined) return undefined;
    return { kind: 'started', test, destination: match[2] ?? '' };
  }

  match = LAUNCH.exec(line);
  if (match !== null) return { kind: 'launch', destination: match[1] ?? '' };

  return OTHER.test(line) ? { kind: 'other' } : undefined;
}

/**
 * Reads `-[Module.Class testFoo]`, `Class.testFoo`, `Class.testFoo()` or
 * `Class/testFoo()` into one identity. The module prefix is dropped because
 * xcodebuild's parallel and restart lines never print it; Swift test methods get
 * `()` as in Xcode's own test identifiers, Objective-C ones do not.
 */
export function parseXCTestName(printed: string): XCTestName | undefined {
  const bracketed = /^[-+]\[(\S+) (\S+)\]$/.exec(printed);
  if (bracketed !== null) {
    const qualifiedClass = bracketed[1]!;
    const swift = qualifiedClass.includes('.');
    const method = bracketed[2]!;
    const name = swift ? `${method}()` : method;
    return { className: lastComponent(qualifiedClass), name, bracketed: true };
  }

  const paren = printed.indexOf('(');
  const head = paren === -1 ? printed : printed.slice(0, paren);
  const cut = Math.max(head.lastIndexOf('.'), head.lastIndexOf('/'));
  const method = printed.slice(cut + 1);
  if (method === '' || /\s/.test(method)) return undefined;

  const className = cut === -1 ? '' : lastComponent(printed.slice(0, cut));
  return { className, name: method.endsWith(')') ? method : `${method}()`, bracketed: false };
}

function lastComponent(qualified: string): string {
  return qualified.slice(Math.max(qualified.lastIndexOf('.'), qualified.lastIndexOf('/')) + 1);
}

function location(path: string, line: string): FileLocation | null {
  return path.startsWith('<') ? null : { path, lineNumber: Number(line) };
}
