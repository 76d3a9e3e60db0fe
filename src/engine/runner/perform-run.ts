/**
 * Performs one claimed run: each action in order, in its own workspace, with
 * its records written to the store as they arrive and its logs bundled into
 * a LOG_BUNDLE artifact at the end. The run's status and issue counts follow
 * from its actions'.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BuildActionRow, BuildRunRow } from '../../store/build-run-repository.ts';
import type { IssueCounts, IssueRecord, TestResultRecord } from '../../model/records.ts';
import type { WorkflowAction } from '../../model/workflow.ts';
import type { RunPlanRecord } from '../builds/start-build-run.ts';
import type { ActionOutcome, ActionPlan, ActionSink, StartCondition } from '../executor/types.ts';
import { runAction } from '../executor/run-action.ts';
import { TimeLimitExceeded } from '../executor/time-limit.ts';
import { ActionLog } from '../../logs/action-log.ts';
import type { ArtifactFile, ClaimedRun, RunBackend } from './run-backend.ts';
import { runStatus, sumCounts } from './run-outcome.ts';

export interface PerformRunDeps {
  backend: RunBackend;
  logger: Logger;
  /** This machine's folder for workspaces, logs and the clone cache. */
  dataDir: string;
  origin: () => string;
  keepWorkspaces: boolean;
  logCapBytes: number;
  buildEnv: Record<string, string>;
  /** Time limit of an action that sets no timeoutMinutes of its own. */
  actionTimeoutMinutes: number;
}

const startConditions: Record<string, StartCondition> = {
  MANUAL: 'manual',
  MANUAL_REBUILD: 'manual_rebuild',
  GIT_REF_CHANGE: 'push',
  PULL_REQUEST_OPEN: 'pr_open',
  PULL_REQUEST_UPDATE: 'pr_update',
  SCHEDULE: 'schedule',
};

export async function performRun(
  deps: PerformRunDeps,
  claimed: ClaimedRun,
  signal: AbortSignal,
): Promise<void> {
  const { run, actions, product } = claimed;
  const log = deps.logger.child({ buildRunId: run.id, number: run.number });
  const { backend } = deps;
  await backend.runStarted(run.id);
  log.info('run started');

  const plan = JSON.parse(run.plan) as RunPlanRecord;
  const results: { status: string; required: boolean }[] = [];
  const counts: IssueCounts[] = [];

  try {
    for (const action of actions) {
      const done = await performAction(deps, log, { run, action, plan, product, signal });
      results.push({ status: done.status, required: action.is_required_to_pass === 1 });
      counts.push(done.counts);
      // The run's counts grow as each action ends, so a client watching sees them early.
      await backend.runCounts(run.id, sumCounts(counts)!);
    }
  } finally {
    if (!deps.keepWorkspaces) {
      await rm(join(deps.dataDir, 'workspaces', run.id), { recursive: true, force: true });
    }
  }

  const status = actions.length === 0 ? 'SUCCEEDED' : runStatus(results);
  await backend.runFinished(run.id, status, sumCounts(counts));
  log.info({ completionStatus: status }, 'run finished');
}

interface ActionContext {
  run: BuildRunRow;
  action: BuildActionRow;
  plan: RunPlanRecord;
  product: ClaimedRun['product'];
  signal: AbortSignal;
}

async function performAction(
  deps: PerformRunDeps,
  runLog: Logger,
  c: ActionContext,
): Promise<{ status: string; counts: IssueCounts }> {
  const { backend } = deps;
  const log = runLog.child({ actionId: c.action.id, action: c.action.name });
  await backend.actionStarted(c.run.id, c.action.id);
  log.info('action started');

  const workDir = join(deps.dataDir, 'workspaces', c.run.id, String(c.action.position));
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const actionLog = new ActionLog({
    dir: join(deps.dataDir, 'logs', c.run.id, String(c.action.position)),
    capBytes: deps.logCapBytes,
  });
  await actionLog.open();

  const writer = new RecordWriter(backend, c.run.id, c.action.id, log);
  const pendingArtifacts: { fileType: string; path: string; fileName: string }[] = [];
  const live = backend.liveLog;
  const sink: ActionSink = {
    line: (step, stream, text) => {
      const written = actionLog.write(step, stream, text);
      if (written !== null) live?.(c.run.id, c.action.position, written);
    },
    issue: (issue) => writer.issue(issue),
    testResult: (result) => writer.testResult(result),
    artifact: (file) => pendingArtifacts.push(file),
  };

  const spec = JSON.parse(c.action.spec) as WorkflowAction;
  const limit = timeLimit(c.signal, spec.timeoutMinutes ?? deps.actionTimeoutMinutes);
  const plan: ActionPlan = {
    run: {
      id: c.run.id,
      number: c.run.number,
      url: `${deps.origin()}/v1/ciBuildRuns/${c.run.id}`,
      startCondition: startConditions[c.run.start_reason] ?? 'manual',
      clean: c.run.clean === 1,
    },
    product: {
      id: c.run.product_id,
      name: c.product?.name ?? '',
      bundleId: c.product?.bundle_id ?? null,
      teamId: c.product?.team_id ?? '',
    },
    workflow: { id: c.run.workflow_id, ...c.plan.workflow },
    repository: {
      url: c.plan.repositoryUrl,
      commitSha: c.plan.commitSha,
      ref: c.plan.ref,
      pullRequest: null,
    },
    action: { ...spec, id: c.action.id, index: c.action.position },
    workDir,
    cacheDir: join(deps.dataDir, 'cache', 'clones'),
    baseEnv: deps.buildEnv,
    signal: limit.signal,
  };

  let outcome: ActionOutcome;
  try {
    outcome = await runAction(plan, sink);
  } catch (error) {
    // The executor reports build failures as outcomes; a throw is a fault of this machine.
    log.error({ err: error }, 'action executor failed');
    const reason = `The runner failed while performing the action: ${(error as Error).message}`;
    writer.issue({ issueType: 'ERROR', message: reason, fileSource: null, category: 'Runner' });
    outcome = { status: 'ERRORED', toolExitCode: null, reason };
  } finally {
    limit.clear();
  }
  if (outcome.status === 'ERRORED' && limit.signal.reason instanceof TimeLimitExceeded) {
    log.warn({ minutes: limit.signal.reason.minutes }, 'action ran past its time limit');
  }
  await writer.flush();
  await actionLog.close();
  if (actionLog.failure) {
    const reason = logFailureReason(actionLog.failure);
    log.error({ err: actionLog.failure }, 'action log could not be written');
    await backend.records(
      c.run.id,
      c.action.id,
      [{ issueType: 'ERROR', message: reason, fileSource: null, category: 'Runner' }],
      [],
    );
    outcome = { status: 'ERRORED', toolExitCode: null, reason };
  }

  const prefix = `${c.product?.name ?? 'Build'} Build ${c.run.number}`;
  await storeArtifacts(deps, c, pendingArtifacts);
  const bundlePath = join(workDir, 'log-bundle.zip');
  await actionLog.bundle(bundlePath, `${prefix} Logs for ${c.action.name}`);
  await storeArtifacts(deps, c, [
    {
      fileType: 'LOG_BUNDLE',
      path: bundlePath,
      fileName: `${prefix} Logs for ${c.action.name}.zip`,
    },
  ]);

  const counts = await backend.actionFinished(c.run.id, c.action.id, outcome.status);
  log.info({ completionStatus: outcome.status, reason: outcome.reason, counts }, 'action finished');
  return { status: outcome.status, counts };
}

/** An action whose log was cut short cannot be trusted to have passed: say why it ended. */
function logFailureReason(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOSPC' || error.code === 'EDQUOT') {
    return (
      'The disk is full: the runner could not write the log of this action, so its output ' +
      `is incomplete (${error.code}). Free space on the runner's data folder and start the ` +
      'build again.'
    );
  }
  return `The runner could not write the log of this action (${error.code ?? error.message}).`;
}

async function storeArtifacts(
  deps: PerformRunDeps,
  c: ActionContext,
  files: { fileType: string; path: string; fileName: string }[],
): Promise<void> {
  for (const file of files) {
    const safeName = file.fileName.replace(/[^\w.-]+/g, '_');
    const key = `${c.run.id}/${c.action.position}/${file.fileType}-${safeName}`;
    const artifact: ArtifactFile = { ...file, key };
    await deps.backend.artifact(c.run.id, c.action.id, artifact);
  }
}

/**
 * A signal that fires when the run's does, or when the action has run for
 * `minutes`, with a TimeLimitExceeded reason.
 */
function timeLimit(run: AbortSignal, minutes: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new TimeLimitExceeded(minutes)),
    Math.round(minutes * 60_000),
  );
  return { signal: AbortSignal.any([run, controller.signal]), clear: () => clearTimeout(timer) };
}

/**
 * Buffers records from the executor's synchronous callbacks and writes them in
 * batches, one batch at a time, so memory stays bounded and order is kept.
 */
class RecordWriter {
  #issues: IssueRecord[] = [];
  #tests: TestResultRecord[] = [];
  #chain: Promise<void> = Promise.resolve();
  readonly #backend: RunBackend;
  readonly #runId: string;
  readonly #actionId: string;
  readonly #log: Logger;

  constructor(backend: RunBackend, runId: string, actionId: string, log: Logger) {
    this.#backend = backend;
    this.#runId = runId;
    this.#actionId = actionId;
    this.#log = log;
  }

  issue(issue: IssueRecord): void {
    this.#issues.push(issue);
    if (this.#issues.length >= 200) this.#drain();
  }

  testResult(result: TestResultRecord): void {
    this.#tests.push(result);
    if (this.#tests.length >= 200) this.#drain();
  }

  flush(): Promise<void> {
    this.#drain();
    return this.#chain;
  }

  #drain(): void {
    const issues = this.#issues;
    const tests = this.#tests;
    this.#issues = [];
    this.#tests = [];
    this.#chain = this.#chain
      .then(async () => {
        if (issues.length === 0 && tests.length === 0) return;
        await this.#backend.records(this.#runId, this.#actionId, issues, tests);
      })
      .catch((err) => this.#log.error({ err }, 'writing action records failed'));
  }
}
