import type { FileLocation, TestResultRecord, TestStatus } from '../model/records.ts';
import { destinationUuid, type Destination } from './destination.ts';
import { clip, MAX_FAILURES_PER_TEST, MAX_MESSAGE_CHARS } from './limits.ts';

export type OutcomeElement = 'failure' | 'error' | 'skipped';

/** The attributes and text of one `<failure>`, `<error>` or `<skipped>`. */
export interface Outcome {
  element: OutcomeElement;
  message: string | null;
  type: string | null;
  text: string;
}

// xcbeautify writes the location into the message: "/p/File.swift:42 - XCTAssertTrue failed".
const LOCATION_IN_MESSAGE = /^(\S[^\n]*?):(\d+) - ([\s\S]+)$/;
// xcpretty writes it as the element's whole text: "/p/File.swift:42".
const LOCATION_AS_TEXT = /^(\S[^\n]*):(\d+)$/;

/** Collects one `<testcase>` while it is parsed and turns it into a record. */
export class JUnitCase {
  readonly className: string;
  readonly name: string;
  readonly duration: number | null;
  readonly fileSource: FileLocation | null;
  readonly #failures: Array<{ message: string; fileSource: FileLocation | null }> = [];
  #status: TestStatus = 'SUCCESS';
  #skipMessage: string | null = null;

  constructor(
    className: string,
    name: string,
    duration: number | null,
    fileSource: FileLocation | null,
  ) {
    this.className = className;
    this.name = name;
    this.duration = duration;
    this.fileSource = fileSource;
  }

  add(outcome: Outcome): void {
    if (outcome.element === 'skipped') {
      // pytest reports an expected failure (xfail) as a skip of this type.
      const status = outcome.type === 'pytest.xfail' ? 'EXPECTED_FAILURE' : 'SKIPPED';
      if (this.#status === 'SUCCESS') this.#status = status;
      // node's reporter writes message="true" for a skip without a reason.
      const message = outcome.message === 'true' ? null : outcome.message;
      this.#skipMessage ??= message || firstLine(outcome.text) || null;
      return;
    }

    this.#status = 'FAILURE';
    if (this.#failures.length >= MAX_FAILURES_PER_TEST) return;

    let message = outcome.message || firstLine(outcome.text) || outcome.type || 'Test failed';
    let fileSource: FileLocation | null = null;

    const inMessage = LOCATION_IN_MESSAGE.exec(message);
    if (inMessage !== null) {
      fileSource = { path: inMessage[1]!, lineNumber: Number(inMessage[2]) };
      message = inMessage[3]!;
    }
    const asText = LOCATION_AS_TEXT.exec(outcome.text.trim());
    if (asText !== null) fileSource ??= { path: asText[1]!, lineNumber: Number(asText[2]) };

    message = clip(message.trim());
    if (!this.#failures.some((failure) => failure.message === message)) {
      this.#failures.push({ message, fileSource });
    }
  }

  toRecord(destination: Destination): TestResultRecord {
    const failed = this.#status === 'FAILURE';
    const failureSource = failed ? this.#failures.find((f) => f.fileSource !== null) : undefined;
    const fileSource = this.fileSource ?? failureSource?.fileSource ?? null;

    let message: string | null = null;
    if (failed) message = clip(this.#failures.map((failure) => failure.message).join('\n'));
    else if (this.#status === 'SKIPPED' || this.#status === 'EXPECTED_FAILURE') {
      message = this.#skipMessage;
    }

    return {
      className: this.className,
      name: this.name,
      status: this.#status,
      fileSource,
      message,
      destinationTestResults: [
        {
          uuid: destinationUuid(destination),
          deviceName: destination.deviceName,
          osVersion: destination.osVersion,
          status: this.#status,
          duration: this.duration,
        },
      ],
    };
  }
}

/** Appends text to an outcome, keeping only what a message could use. */
export function appendOutcomeText(outcome: Outcome, text: string): void {
  if (outcome.text.length >= MAX_MESSAGE_CHARS) return;
  outcome.text += text.slice(0, MAX_MESSAGE_CHARS - outcome.text.length);
}

function firstLine(text: string): string {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '') return trimmed;
  }
  return '';
}
