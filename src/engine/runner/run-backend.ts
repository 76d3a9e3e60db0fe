/**
 * What a runner needs from whoever holds the runs: claim one, hold its lease,
 * and report what happens. The runner code is the same whether it works in
 * the server, in a separate process on the store, or over HTTP; only the
 * backend differs (StoreRunBackend, HttpRunBackend).
 */
import type { BuildActionRow, BuildRunRow } from '../../store/build-run-repository.ts';
import type { IssueCounts, IssueRecord, TestResultRecord } from '../../model/records.ts';
import type { RunnerOffer } from './runner-offer.ts';

export interface ClaimedRun {
  run: BuildRunRow;
  actions: BuildActionRow[];
  product: { name: string; bundle_id: string | null; team_id: string } | null;
}

export interface ArtifactFile {
  fileType: string;
  fileName: string;
  /** A finished file on this machine; the backend moves or uploads it. */
  path: string;
  /** Where it belongs in the artifact store, e.g. `<run>/<position>/LOG_BUNDLE-….zip`. */
  key: string;
}

export interface RunBackend {
  /** Says which runner this is and what it offers (its toolchain); called at start. */
  report(offer: RunnerOffer): Promise<void>;
  /** The oldest waiting run this runner can perform, now leased to it; marks the runner seen. */
  claim(offer: RunnerOffer): Promise<ClaimedRun | undefined>;
  /** Extends the lease; false when it was lost and the run must stop. */
  renew(runId: string): Promise<boolean>;
  runStarted(runId: string): Promise<void>;
  actionStarted(runId: string, actionId: string): Promise<void>;
  records(
    runId: string,
    actionId: string,
    issues: IssueRecord[],
    testResults: TestResultRecord[],
  ): Promise<void>;
  /**
   * Log lines of an action as they are written, for a server that does not
   * share this runner's filesystem; null when the log file is already where
   * the server reads it.
   */
  readonly liveLog: ((runId: string, position: number, text: string) => void) | null;
  artifact(runId: string, actionId: string, file: ArtifactFile): Promise<void>;
  /** Completes the action and answers its issue counts as the store has them. */
  actionFinished(runId: string, actionId: string, status: string): Promise<IssueCounts>;
  runCounts(runId: string, counts: IssueCounts): Promise<void>;
  runFinished(runId: string, status: string, counts: IssueCounts | null): Promise<void>;
  /** Ends a run the runner could not perform: ERRORED, with `reason` as an issue. */
  runErrored(runId: string, reason: string): Promise<void>;
  close(): Promise<void>;
}
