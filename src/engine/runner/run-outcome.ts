/** How the statuses of a run's actions decide the run's own. */
import type { IssueCounts } from '../../model/records.ts';

export type CompletionStatus = 'SUCCEEDED' | 'FAILED' | 'ERRORED' | 'CANCELED' | 'SKIPPED';

const severity: Record<string, number> = {
  SUCCEEDED: 0,
  SKIPPED: 0,
  FAILED: 1,
  CANCELED: 2,
  ERRORED: 3,
};

/**
 * The worst status among the actions that are required to pass. An optional
 * action's failure does not fail the run; ERRORED outranks FAILED.
 */
export function runStatus(actions: { status: string; required: boolean }[]): CompletionStatus {
  let worst: CompletionStatus = 'SUCCEEDED';
  for (const a of actions) {
    if (!a.required) continue;
    if ((severity[a.status] ?? 3) > (severity[worst] ?? 0)) worst = a.status as CompletionStatus;
  }
  return worst;
}

export function sumCounts(all: (IssueCounts | null)[]): IssueCounts | null {
  const present = all.filter((c): c is IssueCounts => c !== null);
  if (present.length === 0) return null;
  return present.reduce((sum, c) => ({
    analyzerWarnings: sum.analyzerWarnings + c.analyzerWarnings,
    errors: sum.errors + c.errors,
    testFailures: sum.testFailures + c.testFailures,
    warnings: sum.warnings + c.warnings,
  }));
}
