import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { FileLocation } from '../model/records.ts';
import type { Destination } from './destination.ts';
import type { RecordEmitter } from './emitter.ts';
import {
  appendOutcomeText,
  JUnitCase,
  type Outcome,
  type OutcomeElement,
} from './junit-case.ts';
import { testFailureIssue } from './test-failure-issue.ts';

interface Suite {
  name: string;
  /** node's reporter marks its suites with `disabled` and every case classname="test". */
  nodeStyle: boolean;
}

// Reports seldom say where they ran (`hostname`, where present, is missing on
// node's top-level cases), so every result of a report shares this one.
const LOCAL: Destination = { deviceName: 'Local machine', osVersion: '' };

/**
 * Reads a JUnit XML report as it streams in and emits a result per
 * `<testcase>` as soon as it closes, plus a TEST_FAILURE issue per failed
 * one. Memory stays flat however large the report: `<system-out>` and the like
 * are skipped, and failure text is kept only up to a message's length.
 *
 * Understands the shapes node's junit reporter, pytest, jest-junit, xcpretty,
 * xcbeautify and SwiftPM write. The class comes from `classname`, else from the
 * enclosing `<testsuite>`; the destination is 'Local machine'. A report that is
 * not well-formed XML, or whose root is not `<testsuites>`/`<testsuite>`,
 * rejects with an Error that says where; results emitted before that stand.
 *
 * @example
 * await parseJUnitXml(createReadStream('build/junit.xml'), emitter);
 */
export async function parseJUnitXml(
  input: NodeJS.ReadableStream | AsyncIterable<string | Buffer>,
  emit: RecordEmitter,
): Promise<void> {
  const reader = new JUnitReader(emit);
  const decoder = new StringDecoder('utf8');

  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    reader.write(typeof chunk === 'string' ? decoder.end() + chunk : decoder.write(chunk));
  }
  reader.write(decoder.end());
  reader.close();
}

class JUnitReader {
  readonly #emit: RecordEmitter;
  readonly #xml = new SaxesParser<{ xmlns: false; position: true }>({
    xmlns: false,
    position: true,
  });
  readonly #suites: Suite[] = [];
  #depth = 0;
  #case: { junit: JUnitCase; depth: number } | null = null;
  #outcome: { outcome: Outcome; depth: number } | null = null;
  // pytest numbers lines from 0 in its `line` attribute.
  #pytest = false;

  constructor(emit: RecordEmitter) {
    this.#emit = emit;
    this.#xml.on('error', (error) => {
      throw new Error(`Invalid JUnit XML: ${error.message}`, { cause: error });
    });
    this.#xml.on('opentag', (tag) => this.#open(tag));
    this.#xml.on('closetag', (tag) => this.#close(tag));
    this.#xml.on('text', (text) => this.#text(text));
    this.#xml.on('cdata', (text) => this.#text(text));
  }

  write(text: string): void {
    if (text !== '') this.#xml.write(text);
  }

  close(): void {
    this.#xml.close();
  }

  #open(tag: SaxesTagPlain): void {
    this.#depth += 1;
    const { name, attributes } = tag;

    if (this.#depth === 1 && name !== 'testsuites' && name !== 'testsuite') {
      throw new Error(`Not a JUnit report: the root element is <${name}>, not <testsuites>`);
    }

    if (name === 'testsuites') {
      if (attributes.name === 'pytest tests') this.#pytest = true;
    } else if (name === 'testsuite') {
      const suiteName = attributes.name ?? '';
      if (suiteName === 'pytest') this.#pytest = true;
      this.#suites.push({ name: suiteName, nodeStyle: attributes.disabled !== undefined });
    } else if (name === 'testcase' && this.#case === null) {
      this.#case = { junit: this.#newCase(attributes), depth: this.#depth };
    } else if (isOutcome(name) && this.#case !== null && this.#depth === this.#case.depth + 1) {
      const outcome = {
        element: name,
        message: attributes.message?.trim() || null,
        type: attributes.type || null,
        text: '',
      };
      this.#outcome = { outcome, depth: this.#depth };
    }
  }

  #close(tag: SaxesTagPlain): void {
    const depth = this.#depth;
    this.#depth -= 1;

    const outcome = this.#outcome;
    if (outcome !== null && depth === outcome.depth) {
      this.#outcome = null;
      this.#case?.junit.add(outcome.outcome);
      return;
    }

    const current = this.#case;
    if (current !== null && depth === current.depth) {
      this.#case = null;
      const record = current.junit.toRecord(LOCAL);
      this.#emit.testResult(record);
      const issue = testFailureIssue(record);
      if (issue !== undefined) this.#emit.issue(issue);
      return;
    }

    if (tag.name === 'testsuite') this.#suites.pop();
  }

  #text(text: string): void {
    if (this.#outcome !== null) appendOutcomeText(this.#outcome.outcome, text);
  }

  #newCase(attributes: Record<string, string>): JUnitCase {
    const suite = this.#suites.at(-1);
    let className = attributes.classname?.trim() ?? '';
    if (className === '' || (className === 'test' && suite?.nodeStyle === true)) {
      className = suite?.name ?? className;
    }

    const time = Number.parseFloat(attributes.time ?? '');
    const duration = Number.isFinite(time) ? time : null;

    let fileSource: FileLocation | null = null;
    const file = attributes.file?.trim();
    if (file) {
      const line = Number.parseInt(attributes.line ?? '', 10);
      const lineNumber = Number.isInteger(line) ? line + (this.#pytest ? 1 : 0) : null;
      fileSource = { path: file, lineNumber };
    }

    return new JUnitCase(className, attributes.name ?? '', duration, fileSource);
  }
}

function isOutcome(name: string): name is OutcomeElement {
  return name === 'failure' || name === 'error' || name === 'skipped';
}
