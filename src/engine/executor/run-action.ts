/**
 * Performs one Xcode Cloud action on this machine, in a workspace of its
 * own, the way Xcode Cloud does:
 *
 *   prepare ─▶ clone ─▶ ci_post_clone.sh ─▶ for each tool run:
 *                                             ci_pre_xcodebuild.sh
 *                                             xcodebuild (or the workflow's command)
 *                                             ci_post_xcodebuild.sh, even when it failed
 *           ─▶ JUnit reports ─▶ artifacts ─▶ outcome
 *
 * A TEST action has two tool runs (build-for-testing, test-without-building),
 * each wrapped in its own hooks; every other action has one.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionVerdict } from './action-verdict.ts';
import { actionPaths, type ActionPaths } from './action-paths.ts';
import { ciEnvironment } from './ci-environment.ts';
import { cloneRepository } from './clone-repository.ts';
import { collectArtifacts } from './collect-artifacts.ts';
import { findCiScripts } from './find-ci-scripts.ts';
import { gitCommand } from './git-command.ts';
import { hookCommand, type HookName } from './hook-command.ts';
import { readTestReports } from './read-test-reports.ts';
import { redactCredentials } from './redact-credentials.ts';
import { RecordTally } from './record-tally.ts';
import { resolveToolchain, type ToolInvocation } from './resolve-toolchain.ts';
import { StepRunner } from './step-runner.ts';
import type { ActionOutcome, ActionPlan, ActionSink, ActionStep } from './types.ts';
import type { XcodebuildAction } from './xcodebuild-command.ts';

/**
 * Runs the action the plan describes and resolves with its outcome; it
 * never rejects. Everything that happens on the way is reported through
 * the sink: log lines, issues, test results and artifacts.
 *
 * @example
 * const outcome = await runAction(plan, sink);
 * if (outcome.status === 'FAILED') report(outcome.reason);
 */
export async function runAction(plan: ActionPlan, sink: ActionSink): Promise<ActionOutcome> {
  return new ActionRun(plan, sink).perform();
}

const RUN_SCRIPT = 'Run script';

class ActionRun {
  readonly #plan: ActionPlan;
  readonly #sink: ActionSink;
  readonly #paths: ActionPaths;
  readonly #tally: RecordTally;
  readonly #steps: StepRunner;
  readonly #verdict: ActionVerdict;
  #ciScripts: string | null = null;
  #toolExitCode: number | null = null;

  constructor(plan: ActionPlan, sink: ActionSink) {
    this.#plan = plan;
    this.#sink = sink;
    this.#paths = actionPaths(plan.workDir);
    this.#tally = new RecordTally(sink, this.#paths.repository);
    this.#steps = new StepRunner(sink, this.#tally, plan.signal);
    this.#verdict = new ActionVerdict(sink, this.#tally);
  }

  async perform(): Promise<ActionOutcome> {
    try {
      await this.#stages();
    } catch (error) {
      // What throws here is the machine, not the build: a folder that
      // cannot be made, a full disk.
      this.#verdict.fail('ERRORED', `the workspace failed: ${messageOf(error)}`);
    }
    if (this.#plan.signal.aborted) this.#verdict.cancel(this.#plan.signal.reason);
    return this.#verdict.outcome(this.#toolExitCode);
  }

  async #stages(): Promise<void> {
    if (this.#plan.signal.aborted) return;

    // Prepare: decide what to run before spending time on a clone.
    await mkdir(this.#plan.workDir, { recursive: true });
    const toolchain = await resolveToolchain(this.#plan, this.#paths);
    if (!toolchain.ok) {
      this.#steps.system('xcodebuild', toolchain.reason);
      this.#verdict.fail('ERRORED', toolchain.reason);
      return;
    }
    const [first] = toolchain.invocations;
    if (first === undefined) return;

    // The workspace: a fresh clone, then the hook that may add to it.
    if (!(await this.#clone())) return;
    this.#ciScripts = await findCiScripts(
      this.#paths.repository,
      this.#plan.workflow.containerFilePath,
    );
    const postCloneEnv = this.#env(first.xcodebuildAction, null);
    if (!(await this.#hook('ci_post_clone.sh', 'post_clone', postCloneEnv))) return;

    // The tool runs, each between its own pre and post hooks.
    let toolRan = false;
    for (const invocation of toolchain.invocations) {
      const env = this.#env(invocation.xcodebuildAction, null);
      if (!(await this.#hook('ci_pre_xcodebuild.sh', 'pre_xcodebuild', env))) break;

      const exitCode = await this.#tool(invocation, env);
      if (exitCode === null) break;
      toolRan = true;

      const postEnv = this.#env(invocation.xcodebuildAction, exitCode);
      await this.#hook('ci_post_xcodebuild.sh', 'post_xcodebuild', postEnv);
      if (this.#verdict.stopped) break;
    }
    if (!toolRan || this.#verdict.canceled) return;

    // What the tool left behind: test reports, then the bundles to keep.
    await this.#reports();
    if (this.#tally.anyTestFailed) {
      const count = Math.max(this.#tally.counts.testFailures, this.#tally.failedTests);
      this.#verdict.failSilently(count === 1 ? '1 test failed' : `${count} tests failed`);
    }
    await this.#artifacts();
  }

  async #clone(): Promise<boolean> {
    const { repository, cacheDir, run } = this.#plan;
    const viaCache = cacheDir !== null && !run.clean;
    if (cacheDir !== null && run.clean) {
      this.#steps.system('clone', 'clean build: cloning without the repository cache');
    }
    const from = redactCredentials(repository.url);
    this.#steps.system('clone', `cloning ${from} at ${repository.commitSha}`);

    const result = await cloneRepository(
      {
        url: repository.url,
        commitSha: repository.commitSha,
        ref: repository.ref,
        destination: this.#paths.repository,
        cacheDir: viaCache ? cacheDir : null,
      },
      gitCommand(this.#steps, this.#plan.baseEnv),
    );
    if (result.ok) return true;
    if (result.canceled) {
      this.#verdict.cancel(this.#plan.signal.reason);
    } else {
      this.#steps.system('clone', result.reason);
      this.#verdict.fail('ERRORED', result.reason);
    }
    return false;
  }

  /** Runs one ci_scripts hook if the repository has it; false when the action must stop. */
  async #hook(name: HookName, step: ActionStep, env: Record<string, string>): Promise<boolean> {
    if (this.#ciScripts === null) return true;
    const command = await hookCommand(join(this.#ciScripts, name), env.PATH);
    if (command === null) return true;
    if (command.note !== null) this.#steps.system(step, command.note);

    const result = await this.#steps.run({
      step,
      argv: command.argv,
      cwd: this.#ciScripts,
      env,
      parse: { category: RUN_SCRIPT },
      title: `running ${name}`,
    });
    if (result.canceled) {
      this.#verdict.cancel(this.#plan.signal.reason);
      return false;
    }
    if (result.startError !== null) {
      const reason = `${name} could not be started: ${result.startError.message}`;
      this.#verdict.fail('FAILED', reason, { category: RUN_SCRIPT });
      return false;
    }
    if (result.exitCode !== 0) {
      const reason = `${name} exited with ${result.exitCode}`;
      this.#verdict.fail('FAILED', reason, { category: RUN_SCRIPT });
      return false;
    }
    return true;
  }

  /** Runs the build tool once; its exit code, or null when it did not run to the end. */
  async #tool(invocation: ToolInvocation, env: Record<string, string>): Promise<number | null> {
    const baseline = this.#tally.failures;
    const result = await this.#steps.run({
      step: 'xcodebuild',
      argv: invocation.argv,
      cwd: invocation.cwd,
      env,
      parse: {},
      title: `running ${invocation.label}`,
    });
    if (result.canceled) {
      this.#verdict.cancel(this.#plan.signal.reason);
      return null;
    }
    if (result.startError !== null) {
      const reason = `${invocation.label} could not be started: ${result.startError.message}`;
      this.#verdict.fail('ERRORED', reason);
      return null;
    }

    this.#toolExitCode = result.exitCode;
    if (result.exitCode !== 0) {
      const reason = `${invocation.label} exited with ${result.exitCode}`;
      this.#verdict.fail('FAILED', reason, { unlessExplainedAfter: baseline });
    }
    return result.exitCode;
  }

  async #reports(): Promise<void> {
    const glob = this.#plan.action.testReports;
    if (glob === undefined || glob === '') return;

    const unreadable = await readTestReports({
      repository: this.#paths.repository,
      glob,
      emit: this.#tally.emitterFor(this.#paths.repository),
      log: (text) => this.#steps.system('reports', text),
    });
    for (const { file, message } of unreadable) {
      const reason = `test report ${file} could not be read: ${message}`;
      this.#verdict.fail('FAILED', reason, { category: 'Test reports' });
    }
  }

  async #artifacts(): Promise<void> {
    try {
      await collectArtifacts({
        plan: this.#plan,
        paths: this.#paths,
        sink: this.#sink,
        log: (text) => this.#steps.system('reports', text),
      });
    } catch (error) {
      this.#verdict.fail('ERRORED', `the artifacts could not be packaged: ${messageOf(error)}`);
    }
  }

  #env(xcodebuildAction: XcodebuildAction, exitCode: number | null): Record<string, string> {
    return ciEnvironment({
      plan: this.#plan,
      paths: this.#paths,
      xcodebuildAction,
      xcodebuildExitCode: exitCode,
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
