import type { IssueRecord, TestResultRecord } from '../model/records.ts';

/**
 * Where a parser delivers what it finds in build output. The runner passes
 * its action sink, which stores each record as it arrives.
 *
 * @example
 * const issues: IssueRecord[] = [];
 * const parser = new DiagnosticsParser({ issue: (i) => issues.push(i), testResult() {} });
 */
export interface RecordEmitter {
  issue(issue: IssueRecord): void;
  testResult(result: TestResultRecord): void;
}
