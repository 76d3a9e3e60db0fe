/**
 * Records that flow from a build's output into the store, shaped after the
 * attributes of `ciIssues` and `ciTestResults` in Apple's contract.
 */

export type IssueType = 'ANALYZER_WARNING' | 'ERROR' | 'TEST_FAILURE' | 'WARNING';

export type TestStatus = 'SUCCESS' | 'FAILURE' | 'MIXED' | 'SKIPPED' | 'EXPECTED_FAILURE';

export interface FileLocation {
  path: string;
  lineNumber: number | null;
}

export interface IssueRecord {
  issueType: IssueType;
  message: string;
  fileSource: FileLocation | null;
  /** Build phase or tool that reported it, e.g. "Compile", "Link", "Run script". */
  category: string | null;
}

export interface DestinationTestResult {
  uuid: string;
  deviceName: string;
  osVersion: string;
  status: TestStatus;
  /** Seconds. */
  duration: number | null;
}

export interface TestResultRecord {
  className: string;
  name: string;
  status: TestStatus;
  fileSource: FileLocation | null;
  message: string | null;
  destinationTestResults: DestinationTestResult[];
}

export interface IssueCounts {
  analyzerWarnings: number;
  errors: number;
  testFailures: number;
  warnings: number;
}

export function emptyIssueCounts(): IssueCounts {
  return { analyzerWarnings: 0, errors: 0, testFailures: 0, warnings: 0 };
}

/** Adds `n` issues of `type` to `counts`. */
export function countIssue(counts: IssueCounts, type: IssueType, n = 1): void {
  if (type === 'ANALYZER_WARNING') counts.analyzerWarnings += n;
  else if (type === 'ERROR') counts.errors += n;
  else if (type === 'TEST_FAILURE') counts.testFailures += n;
  else counts.warnings += n;
}
