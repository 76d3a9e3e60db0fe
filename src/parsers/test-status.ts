import type { TestStatus } from '../model/records.ts';

function failed(status: TestStatus): boolean {
  return status === 'FAILURE' || status === 'MIXED';
}

function passed(status: TestStatus): boolean {
  return status === 'SUCCESS' || status === 'EXPECTED_FAILURE';
}

/**
 * Combines two results of one test (two destinations, or two runs on one
 * destination): MIXED when one failed and the other passed, else the worse.
 * A skip gives way to any result that ran.
 */
export function mergeStatus(a: TestStatus, b: TestStatus): TestStatus {
  if (a === b) return a;
  if (a === 'MIXED' || b === 'MIXED') return 'MIXED';
  if ((failed(a) && passed(b)) || (passed(a) && failed(b))) return 'MIXED';
  if (failed(a) || failed(b)) return 'FAILURE';
  if (a === 'SKIPPED') return b;
  if (b === 'SKIPPED') return a;
  return 'SUCCESS';
}
