import type { IssueRecord, TestResultRecord } from '../model/records.ts';

/** The TEST_FAILURE issue that goes with a failed (or partly failed) test result. */
export function testFailureIssue(result: TestResultRecord): IssueRecord | undefined {
  if (result.status !== 'FAILURE' && result.status !== 'MIXED') return undefined;

  const label = result.className === '' ? result.name : `${result.className}.${result.name}`;
  return {
    issueType: 'TEST_FAILURE',
    message: result.message ?? `${label} failed`,
    fileSource: result.fileSource,
    category: 'Test',
  };
}
