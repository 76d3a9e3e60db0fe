import type { FileLocation } from '../model/records.ts';
import { cleanLine } from './clean-line.ts';
import { parseDestination, parseDestinationSpecifier, type Destination } from './destination.ts';
import type { RecordEmitter } from './emitter.ts';
import { parseSwiftTestingLine, type SwiftTestingLine } from './swift-testing-line.ts';
import { testFailureIssue } from './test-failure-issue.ts';
import {
  continueFailure,
  TestResultTable,
  type TestEntry,
  type TestFailure,
} from './test-result-table.ts';
import {
  parseXCTestLine,
  parseXCTestName,
  type XCTestLine,
  type XCTestName,
} from './xctest-line.ts';

const RESTARTED =
  'Test crashed or timed out: the test process exited unexpectedly while it ran, ' +
  'and xcodebuild restarted it.';
const ENDED_WHILE_RUNNING =
  'Test crashed or timed out: the test process ended before the test finished.';

// Lines that cannot continue a failure message: NSLog-style timestamps and UI test activity.
const NOT_CONTINUATION = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|^\s+t = +[\d.]+s /;
const DESTINATION_ARGUMENT = /\s-destination\s+(?:"([^"]*)"|'([^']*)'|(\S+))/g;
const FAILING_TEST_ENTRY = /^\s+(\S.*?)(?: on '(.+)')?$/;

/**
 * Reads XCTest (xcodebuild on Apple platforms, swift-corelibs on Linux) and
 * Swift Testing output into one result per test, merged across destinations,
 * plus a TEST_FAILURE issue per failed test. Everything is emitted at `end()`,
 * because a test's destinations may be reported far apart; it holds one small
 * entry per test, never the log.
 *
 * A test whose process dies under it (xcodebuild's "Restarting after unexpected
 * exit, crash, or test timeout", a new test process starting, or the output
 * ending while it ran) is a FAILURE that says so. A result whose line names no
 * destination is reported on the one `-destination` of xcodebuild's command
 * line, else on the one device the other test lines name, else on 'My Mac'
 * when the XCTest output is Apple's, else on 'Local machine'.
 *
 * @example
 * const parser = new TestOutputParser(emitter);
 * for (const line of lines) parser.push(line);
 * parser.end();
 */
export class TestOutputParser {
  readonly #emit: RecordEmitter;
  readonly #table = new TestResultTable();
  // XCTest runs one test at a time per process; keyed by the destination as printed.
  readonly #running = new Map<string, TestEntry>();
  // Swift Testing runs tests concurrently in one process; keyed by test name.
  readonly #swiftRunning = new Map<string, TestEntry>();
  readonly #openSuites: string[] = [];
  #pending: TestFailure | null = null;
  #inFailingTests = false;
  #readInvocation: 'waiting' | 'next' | 'done' = 'waiting';
  #invocationDestination: Destination | null = null;
  // Devices named by test lines, as `name\0os`; one device makes it the default too.
  readonly #devices = new Set<string>();
  #sawApplePlatform = false;
  #ended = false;

  constructor(emit: RecordEmitter) {
    this.#emit = emit;
  }

  push(rawLine: string): void {
    const line = cleanLine(rawLine);
    this.#readCommandLine(line);

    const xctest = parseXCTestLine(line);
    if (xctest !== undefined) {
      this.#pending = null;
      this.#inFailingTests = xctest.kind === 'failing-tests';
      this.#onXCTest(xctest);
      return;
    }

    const swift = parseSwiftTestingLine(line);
    if (swift !== undefined && swift.kind !== 'detail') {
      this.#pending = null;
      this.#inFailingTests = false;
      this.#onSwiftTesting(swift);
      return;
    }

    if (this.#inFailingTests) {
      this.#onFailingTestEntry(line);
      return;
    }

    const pending = this.#pending;
    if (pending === null) return;
    if (NOT_CONTINUATION.test(line)) {
      this.#pending = null;
      return;
    }
    continueFailure(pending, swift?.kind === 'detail' ? swift.text : line);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;

    for (const [destination, entry] of this.#running) entry.crash(destination, ENDED_WHILE_RUNNING);
    for (const entry of this.#swiftRunning.values()) entry.crash('', ENDED_WHILE_RUNNING);
    this.#running.clear();
    this.#swiftRunning.clear();

    for (const record of this.#table.records(this.#localDestination())) {
      this.#emit.testResult(record);
      const issue = testFailureIssue(record);
      if (issue !== undefined) this.#emit.issue(issue);
    }
  }

  #onXCTest(line: XCTestLine): void {
    switch (line.kind) {
      case 'started': {
        const entry = this.#xctestEntry(line.test);
        const previous = this.#running.get(line.destination);
        if (previous !== undefined && previous !== entry) {
          previous.crash(line.destination, ENDED_WHILE_RUNNING);
        }
        this.#running.set(line.destination, entry);
        break;
      }
      case 'finished': {
        if (line.destination !== '') {
          const { deviceName, osVersion } = parseDestination(line.destination);
          this.#devices.add(`${deviceName}\0${osVersion}`);
        }
        const entry = this.#xctestEntry(line.test);
        entry.addResult(line.destination, line.status, line.duration);
        if (this.#running.get(line.destination) === entry) this.#running.delete(line.destination);
        break;
      }
      case 'failure': {
        const entry = this.#xctestEntry(line.test);
        this.#pending = entry.addFailure(line.message, line.fileSource) ?? null;
        break;
      }
      case 'skip-reason':
        this.#xctestEntry(line.test).skip(line.reason, line.fileSource);
        break;
      case 'restart':
        this.#onRestart(line.test);
        break;
      case 'launch': {
        const previous = this.#running.get(line.destination);
        if (previous !== undefined) previous.crash(line.destination, ENDED_WHILE_RUNNING);
        this.#running.delete(line.destination);
        break;
      }
      case 'runtime-failure':
        this.#onRuntimeFailure(line.message, line.fileSource);
        break;
      case 'failing-tests':
      case 'other':
        break;
    }
  }

  #onSwiftTesting(line: SwiftTestingLine): void {
    switch (line.kind) {
      case 'suite-started':
        this.#openSuites.push(line.suite);
        break;
      case 'suite-ended': {
        const index = this.#openSuites.lastIndexOf(line.suite);
        if (index !== -1) this.#openSuites.splice(index, 1);
        break;
      }
      case 'started':
        this.#swiftRunning.set(line.test, this.#swiftEntry(line.test));
        break;
      case 'finished':
        this.#swiftEntry(line.test).addResult('', line.status, line.duration);
        this.#swiftRunning.delete(line.test);
        break;
      case 'skipped': {
        const entry = this.#swiftEntry(line.test);
        entry.skip(line.reason, null);
        entry.addResult('', 'SKIPPED', null);
        this.#swiftRunning.delete(line.test);
        break;
      }
      case 'issue': {
        const entry = this.#swiftEntry(line.test);
        if (line.known) entry.knownIssue(line.message);
        else this.#pending = entry.addFailure(line.message, line.fileSource) ?? null;
        break;
      }
      case 'detail':
      case 'other':
        break;
    }
  }

  #localDestination(): Destination {
    if (this.#invocationDestination !== null) return this.#invocationDestination;
    if (this.#devices.size === 1) {
      const [deviceName, osVersion] = [...this.#devices][0]!.split('\0') as [string, string];
      return { deviceName, osVersion };
    }
    return { deviceName: this.#sawApplePlatform ? 'My Mac' : 'Local machine', osVersion: '' };
  }

  #xctestEntry(test: XCTestName): TestEntry {
    if (test.bracketed) this.#sawApplePlatform = true;
    return this.#table.entry(test.className, test.name);
  }

  // Swift Testing's console output does not say which suite a test is in. While
  // exactly one suite is open the test must be in it; otherwise it is left blank.
  #swiftEntry(test: string): TestEntry {
    const running = this.#swiftRunning.get(test);
    if (running !== undefined) return running;
    const suite = this.#openSuites.length === 1 ? this.#openSuites[0]! : '';
    return this.#table.entry(suite, test);
  }

  #onRestart(test: XCTestName | null): void {
    const named = test === null ? undefined : this.#table.find(test.className, test.name);
    let found = false;
    for (const [destination, entry] of this.#running) {
      if (test !== null && entry !== named) continue;
      entry.crash(destination, RESTARTED);
      this.#running.delete(destination);
      found = true;
    }
    // In parallel runs xcodebuild prints no "started" lines to find the test by.
    if (!found && test !== null) {
      this.#table.entry(test.className, test.name).crash(null, RESTARTED);
    }
  }

  // A trap or UI assertion names no test; it belongs to the one running, if only one
  // is. What follows a trap is a stack trace, not more of the message.
  #onRuntimeFailure(message: string, fileSource: FileLocation | null): void {
    const running = [...this.#running.values(), ...this.#swiftRunning.values()];
    if (running.length === 1) running[0]!.addFailure(message, fileSource);
  }

  // xcodebuild's closing "Failing tests:" list; it catches a failed test whose
  // own lines never appeared, which would otherwise vanish.
  #onFailingTestEntry(line: string): void {
    const entry = FAILING_TEST_ENTRY.exec(line);
    if (entry === null) {
      this.#inFailingTests = false;
      return;
    }
    if (entry[1]!.endsWith(':')) return;

    const test = parseXCTestName(entry[1]!);
    if (test === undefined) return;
    const known = this.#table.find(test.className, test.name);
    if (known !== undefined && known.hasResult) return;
    this.#table.entry(test.className, test.name).addResult(entry[2] ?? '', 'FAILURE', null);
  }

  // xcodebuild opens with "Command line invocation:" and the command on the next line.
  #readCommandLine(line: string): void {
    if (this.#readInvocation === 'done') return;
    if (this.#readInvocation === 'waiting') {
      if (line === 'Command line invocation:') this.#readInvocation = 'next';
      return;
    }
    this.#readInvocation = 'done';

    const destinations = [...line.matchAll(DESTINATION_ARGUMENT)];
    if (destinations.length !== 1) return;
    const specifier = destinations[0]!;
    const destination = parseDestinationSpecifier(specifier[1] ?? specifier[2] ?? specifier[3]!);
    this.#invocationDestination = destination ?? null;
  }
}
