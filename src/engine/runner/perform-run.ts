/**
 * Performs one claimed run: each action in order, in its own workspace, with
 * its records written to the store as they arrive and its logs bundled into
 * a LOG_BUNDLE artifact at the end. The run's status and issue counts follow
 * from its actions'.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import type { BuildActionRow, BuildRunRow } from '../../store/build-run-repository.ts';
import type { ArtifactStore } from '../../artifacts/artifact-store.ts';
import type { IssueCounts, IssueRecord, TestResultRecord } from '../../model/records.ts';
import type { WorkflowAction } from '../../model/workflow.ts';
import type { RunPlanRecord } from '../builds/start-build-run.ts';
import type { ActionOutcome, ActionPlan, ActionSink, StartCondition } from '../executor/types.ts';
import { runAction } from '../executor/run-action.ts';
import { ActionLog } from '../../logs/action-log.ts';
import { runStatus, sumCounts } from './run-outcome.ts';

export interface PerformRunDeps {
  store: Store;
  artifacts: ArtifactStore;
  logger: Logger;
  dataDir: string;
  origin: () => string;
  keepWorkspaces: boolean;
  logCapBytes: number;
  buildEnv: Record<string, string>;
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
  run: BuildRunRow,
  owner: string,
  signal: AbortSignal,
): Promise<void> {
  const log = deps.logger.child({ buildRunId: run.id, number: run.number });
  const { store } = deps;
  await store.runs.markRunStarted(run.id, owner);
  log.info('run started');

  const [product] = await store.catalog.products([run.product_id]);
  const plan = JSON.parse(run.plan) as RunPlanRecord;
  const actions = await store.runs.actionsOfRun(run.id);
  const results: { status: string; required: boolean }[] = [];
  const counts: IssueCounts[] = [];

  for (const action of actions) {
    const done = await performAction(deps, log, { run, action, plan, product, signal });
    results.push({ status: done.status, required: action.is_required_to_pass === 1 });
    counts.push(done.counts);
    // The run's counts grow as each action ends, so a client watching sees them early.
    await store.runs.setRunCounts(run.id, sumCounts(counts)!);
  }

  const status = actions.length === 0 ? 'SUCCEEDED' : runStatus(results);
  await store.runs.markRunFinished(run.id, status, sumCounts(counts));
  if (!deps.keepWorkspaces)
    await rm(join(deps.dataDir, 'workspaces', run.id), { recursive: true, force: true });
  log.info({ completionStatus: status }, 'run finished');
}

interface ActionContext {
  run: BuildRunRow;
  action: BuildActionRow;
  plan: RunPlanRecord;
  product: { id: string; name: string; bundle_id: string | null; team_id: string } | undefined;
  signal: AbortSignal;
}

async function performAction(
  deps: PerformRunDeps,
  runLog: Logger,
  c: ActionContext,
): Promise<{ status: string; counts: IssueCounts }> {
  const { store } = deps;
  const log = runLog.child({ actionId: c.action.id, action: c.action.name });
  await store.runs.markActionStarted(c.action.id);
  log.info('action started');

  const workDir = join(deps.dataDir, 'workspaces', c.run.id, String(c.action.position));
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const actionLog = new ActionLog({
    dir: join(deps.dataDir, 'logs', c.run.id, String(c.action.position)),
    capBytes: deps.logCapBytes,
  });
  await actionLog.open();

  const writer = new RecordWriter(store, c.action.id, log);
  const pendingArtifacts: { fileType: string; path: string; fileName: string }[] = [];
  const sink: ActionSink = {
    line: (step, stream, text) => actionLog.write(step, stream, text),
    issue: (issue) => writer.issue(issue),
    testResult: (result) => writer.testResult(result),
    artifact: (file) => pendingArtifacts.push(file),
  };

  const spec = JSON.parse(c.action.spec) as WorkflowAction;
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
    signal: c.signal,
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
  }
  await writer.flush();
  await actionLog.close();
  if (actionLog.failure) {
    const reason = logFailureReason(actionLog.failure);
    log.error({ err: actionLog.failure }, 'action log could not be written');
    await store.records.addIssues(c.action.id, [
      { issueType: 'ERROR', message: reason, fileSource: null, category: 'Runner' },
    ]);
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

  const counts = await store.records.countIssues(c.action.id);
  if (
    outcome.status === 'SUCCEEDED' &&
    spec.actionType === 'ARCHIVE' &&
    spec.buildDistributionAudience
  ) {
    // Xcode Cloud uploads such an archive to App Store Connect as a build. Stratus uploads
    // nothing to Apple: the archive is kept as an artifact and the build is recorded here,
    // already VALID (there is no processing to wait for), numbered as the run.
    await store.runs.addBuild({
      id: randomUUID(),
      run_id: c.run.id,
      action_id: c.action.id,
      version: String(c.run.number),
      uploaded_date: new Date().toISOString(),
      processing_state: 'VALID',
      audience: spec.buildDistributionAudience,
    });
  }
  await store.runs.markActionFinished(c.action.id, outcome.status, counts);
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
    const stored = await deps.artifacts.put(key, file.path);
    await deps.store.records.addArtifact(c.action.id, {
      fileType: file.fileType,
      fileName: file.fileName,
      fileSize: stored.size,
      storageKey: stored.storageKey,
    });
  }
}

/**
 * Buffers records from the executor's synchronous callbacks and writes them in
 * batches, one batch at a time, so memory stays bounded and order is kept.
 */
class RecordWriter {
  #issues: IssueRecord[] = [];
  #tests: TestResultRecord[] = [];
  #chain: Promise<void> = Promise.resolve();
  readonly #store: Store;
  readonly #actionId: string;
  readonly #log: Logger;

  constructor(store: Store, actionId: string, log: Logger) {
    this.#store = store;
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
        await this.#store.records.addIssues(this.#actionId, issues);
        await this.#store.records.addTestResults(this.#actionId, tests);
      })
      .catch((err) => this.#log.error({ err }, 'writing action records failed'));
  }
}
