import type {
  DestinationTestResult,
  FileLocation,
  TestResultRecord,
  TestStatus,
} from '../model/records.ts';
import { destinationUuid, parseDestination, type Destination } from './destination.ts';
import {
  clip,
  MAX_CONTINUATION_LINES,
  MAX_FAILURES_PER_TEST,
  MAX_MESSAGE_CHARS,
} from './limits.ts';
import { mergeStatus } from './test-status.ts';

/** One failure message of a test, still open to continuation lines. */
export interface TestFailure {
  message: string;
  fileSource: FileLocation | null;
  continuationLines: number;
}

interface PrintedResult {
  /** Null when the output named no destination. */
  destination: Destination | null;
  status: TestStatus;
  duration: number | null;
}

/** Everything the output said about one test, on every destination. */
export class TestEntry {
  readonly className: string;
  readonly name: string;
  readonly #results = new Map<string, PrintedResult>();
  readonly #failures: TestFailure[] = [];
  #moreFailures = 0;
  #skip: { reason: string | null; fileSource: FileLocation | null } | null = null;
  #knownIssue: string | null = null;
  #unplacedCrash = false;

  constructor(className: string, name: string) {
    this.className = className;
    this.name = name;
  }

  get label(): string {
    return this.className === '' ? this.name : `${this.className}.${this.name}`;
  }

  get hasResult(): boolean {
    return this.#results.size > 0;
  }

  /** Records one outcome; `printedDestination` is '' when the output named none. */
  addResult(printedDestination: string, status: TestStatus, duration: number | null): void {
    const destination = printedDestination === '' ? null : parseDestination(printedDestination);
    const key = destination === null ? '' : destinationKey(destination);
    add(this.#results, key, { destination, status, duration });
  }

  /** Adds a failure message, or returns undefined when it repeats one already kept. */
  addFailure(message: string, fileSource: FileLocation | null): TestFailure | undefined {
    const repeat = this.#failures.some(
      (failure) =>
        firstLine(failure.message) === firstLine(message) &&
        failure.fileSource?.path === fileSource?.path &&
        failure.fileSource?.lineNumber === fileSource?.lineNumber,
    );
    if (repeat) return undefined;

    if (this.#failures.length >= MAX_FAILURES_PER_TEST) {
      this.#moreFailures += 1;
      return undefined;
    }
    const failure = { message: clip(message), fileSource, continuationLines: 0 };
    this.#failures.push(failure);
    return failure;
  }

  /**
   * Marks the test failed because its process died under it. With no known
   * destination the failure lands on the test's results at the end, unless one
   * of them already failed.
   */
  crash(printedDestination: string | null, message: string): void {
    this.addFailure(message, null);
    if (printedDestination === null) this.#unplacedCrash = true;
    else this.addResult(printedDestination, 'FAILURE', null);
  }

  skip(reason: string | null, fileSource: FileLocation | null): void {
    this.#skip ??= { reason, fileSource };
  }

  knownIssue(message: string): void {
    this.#knownIssue ??= clip(message);
  }

  /** The merged record, with `local` standing in for output that named no destination. */
  toRecord(local: Destination): TestResultRecord | undefined {
    if (!this.hasResult) {
      // Seen only through failure or skip lines: the verdict line never came.
      if (this.#failures.length > 0) this.addResult('', 'FAILURE', null);
      else if (this.#skip !== null) this.addResult('', 'SKIPPED', null);
      else return undefined;
    }
    const failed = [...this.#results.values()].some((result) => result.status === 'FAILURE');
    if (this.#unplacedCrash && !failed) this.addResult('', 'FAILURE', null);

    const byDevice = new Map<string, PrintedResult>();
    for (const result of this.#results.values()) {
      const destination = result.destination ?? local;
      add(byDevice, destinationKey(destination), { ...result, destination });
    }

    const destinationTestResults: DestinationTestResult[] = [];
    let status: TestStatus | null = null;
    for (const result of byDevice.values()) {
      const destination = result.destination!;
      destinationTestResults.push({
        uuid: destinationUuid(destination),
        deviceName: destination.deviceName,
        osVersion: destination.osVersion,
        status: result.status,
        duration: result.duration,
      });
      status = status === null ? result.status : mergeStatus(status, result.status);
    }

    const finalStatus = status ?? 'FAILURE';
    return {
      className: this.className,
      name: this.name,
      status: finalStatus,
      fileSource: this.#fileSource(finalStatus),
      message: this.#message(finalStatus, destinationTestResults),
      destinationTestResults,
    };
  }

  #fileSource(status: TestStatus): FileLocation | null {
    if (status === 'FAILURE' || status === 'MIXED') {
      return this.#failures.find((failure) => failure.fileSource !== null)?.fileSource ?? null;
    }
    if (status === 'SKIPPED') return this.#skip?.fileSource ?? null;
    return null;
  }

  #message(status: TestStatus, destinations: DestinationTestResult[]): string | null {
    if (status === 'SKIPPED') return this.#skip?.reason ?? null;
    if (status === 'EXPECTED_FAILURE') return this.#knownIssue;
    if (status !== 'FAILURE' && status !== 'MIXED') return null;

    if (this.#failures.length === 0) {
      const failedOn = destinations
        .filter((destination) => destination.status === 'FAILURE' || destination.status === 'MIXED')
        .map((destination) => destination.deviceName);
      return destinations.length > 1
        ? `${this.label} failed on ${failedOn.join(', ')}`
        : `${this.label} failed`;
    }

    let message = this.#failures.map((failure) => failure.message.trimEnd()).join('\n');
    if (this.#moreFailures > 0) message += `\n(and ${this.#moreFailures} more failures)`;
    return clip(message);
  }
}

/** Every test the output mentioned, in the order it first mentioned them. */
export class TestResultTable {
  readonly #entries = new Map<string, TestEntry>();

  entry(className: string, name: string): TestEntry {
    const key = `${className}\0${name}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = new TestEntry(className, name);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  find(className: string, name: string): TestEntry | undefined {
    return this.#entries.get(`${className}\0${name}`);
  }

  *records(local: Destination): Iterable<TestResultRecord> {
    for (const entry of this.#entries.values()) {
      const record = entry.toRecord(local);
      if (record !== undefined) yield record;
    }
  }
}

/** Appends one continuation line to a failure message, within the limits. */
export function continueFailure(failure: TestFailure, line: string): void {
  if (failure.continuationLines >= MAX_CONTINUATION_LINES) return;
  if (failure.message.length + line.length >= MAX_MESSAGE_CHARS) return;
  failure.message += `\n${line}`;
  failure.continuationLines += 1;
}

function add(results: Map<string, PrintedResult>, key: string, next: PrintedResult): void {
  const previous = results.get(key);
  if (previous === undefined) {
    results.set(key, { ...next });
    return;
  }
  previous.status = mergeStatus(previous.status, next.status);
  if (next.duration !== null) previous.duration = (previous.duration ?? 0) + next.duration;
}

function destinationKey(destination: Destination): string {
  return `${destination.deviceName}\0${destination.osVersion}`;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : text.slice(0, newline);
}
