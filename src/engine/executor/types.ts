/**
 * The contract between the engine, which owns the store and the state of a
 * run, and the executor, which performs one action of a run on this machine.
 *
 * The executor knows nothing of the store: it receives a plan as plain data,
 * reports what happens through `ActionSink`, and returns the outcome.
 */
import type { IssueRecord, TestResultRecord } from '../../model/records.ts';
import type { WorkflowAction } from '../../model/workflow.ts';

export type StartCondition =
  'manual' | 'manual_rebuild' | 'push' | 'pr_open' | 'pr_update' | 'schedule';

export interface GitRefPlan {
  kind: 'BRANCH' | 'TAG';
  name: string;
  /** e.g. refs/heads/main */
  canonicalName: string;
}

export interface PullRequestPlan {
  number: number;
  htmlUrl: string | null;
  sourceBranch: string;
  sourceRepo: string;
  targetBranch: string;
  targetCommit: string;
  targetRepo: string;
}

export interface ActionPlan {
  run: {
    id: string;
    number: number;
    /** Web page of the run, for CI_BUILD_URL. */
    url: string;
    startCondition: StartCondition;
    clean: boolean;
  };
  product: { id: string; name: string; bundleId: string | null; teamId: string };
  workflow: { id: string; name: string; containerFilePath: string | null };
  repository: {
    /** Local path or git URL to clone from. */
    url: string;
    commitSha: string;
    ref: GitRefPlan | null;
    pullRequest: PullRequestPlan | null;
  };
  action: { id: string; index: number } & WorkflowAction;
  /** Empty folder the executor owns for this action (workspace, derived data, results). */
  workDir: string;
  /** Folder holding a reusable clone per repository; skipped when run.clean is true. */
  cacheDir: string | null;
  /** Environment the build processes start from (already scrubbed of Stratus secrets). */
  baseEnv: Record<string, string>;
  /** Kill the whole process tree when this fires. */
  signal: AbortSignal;
}

export type ActionStep =
  'clone' | 'post_clone' | 'pre_xcodebuild' | 'xcodebuild' | 'post_xcodebuild' | 'reports';

export interface ActionSink {
  /** One line of output, without its line ending, from the given step. */
  line(step: ActionStep, stream: 'stdout' | 'stderr' | 'system', text: string): void;
  issue(issue: IssueRecord): void;
  testResult(result: TestResultRecord): void;
  /** A file the executor produced that should become a ciArtifact. */
  artifact(file: { fileType: ArtifactFileType; path: string; fileName: string }): void;
}

export type ArtifactFileType =
  | 'ARCHIVE'
  | 'ARCHIVE_EXPORT'
  | 'LOG_BUNDLE'
  | 'RESULT_BUNDLE'
  | 'TEST_PRODUCTS'
  | 'XCODEBUILD_PRODUCTS'
  | 'STAPLED_NOTARIZED_ARCHIVE';

export interface ActionOutcome {
  /**
   * SUCCEEDED: every step exited 0 and no test failed.
   * FAILED: the build/test tool or a ci_scripts hook failed, or a test failed.
   * ERRORED: the infrastructure failed (clone, missing tool, workspace).
   * CANCELED: the signal fired.
   */
  status: 'SUCCEEDED' | 'FAILED' | 'ERRORED' | 'CANCELED';
  /** Exit code of the toolchain command, when it ran. */
  toolExitCode: number | null;
  /** One-line reason when not SUCCEEDED, also reported as an ERROR issue by the executor. */
  reason: string | null;
}
