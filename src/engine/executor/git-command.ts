import { redactCredentials } from './redact-credentials.ts';
import type { StepResult, StepRunner } from './step-runner.ts';

/** Runs one git command as part of the clone step. */
export type Git = (args: readonly string[], cwd: string) => Promise<StepResult>;

/**
 * A git runner for the clone step. Prompts are turned off: a clone that
 * needs credentials nobody gave must fail, not wait for a terminal.
 */
export function gitCommand(steps: StepRunner, baseEnv: Record<string, string>): Git {
  const env = { ...baseEnv, GIT_TERMINAL_PROMPT: '0' };
  return (args, cwd) =>
    steps.run({ step: 'clone', argv: ['git', ...args], cwd, env, mask: redactCredentials });
}

/** Why a git command failed, for a one-line reason; null when it succeeded. */
export function gitFailure(args: readonly string[], result: StepResult): string | null {
  if (result.exitCode === 0) return null;
  if (result.startError !== null) return `git could not be started (${result.startError.message})`;
  const detail = result.errorLine === null ? '' : `: ${result.errorLine}`;
  return `git ${args[0]} exited with ${result.exitCode}${detail}`;
}
