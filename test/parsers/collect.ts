import { createReadStream, readFileSync } from 'node:fs';
import type { IssueRecord, TestResultRecord } from '../../src/model/records.ts';
import type { RecordEmitter } from '../../src/parsers/emitter.ts';

export interface Collector extends RecordEmitter {
  issues: IssueRecord[];
  results: TestResultRecord[];
}

/** An emitter that keeps what it is given, for assertions. */
export function collector(): Collector {
  const issues: IssueRecord[] = [];
  const results: TestResultRecord[] = [];
  return {
    issues,
    results,
    issue: (issue) => issues.push(issue),
    testResult: (result) => results.push(result),
  };
}

export function fixturePath(name: string): string {
  return new URL(`../fixtures/parsers/${name}`, import.meta.url).pathname;
}

export function fixtureLines(name: string): string[] {
  const text = readFileSync(fixturePath(name), 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function fixtureStream(name: string): NodeJS.ReadableStream {
  return createReadStream(fixturePath(name));
}

/** Feeds every line to a parser and ends it. */
export function feed(parser: { push(line: string): void; end(): void }, lines: string[]): void {
  for (const line of lines) parser.push(line);
  parser.end();
}
