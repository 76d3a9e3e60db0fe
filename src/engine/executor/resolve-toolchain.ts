import { dirname, join } from 'node:path';
import type { ActionPaths } from './action-paths.ts';
import { findExecutable } from './find-executable.ts';
import type { ActionPlan } from './types.ts';
import {
  composeXcodebuild,
  xcodebuildActionsFor,
  type XcodebuildAction,
} from './xcodebuild-command.ts';

/** One run of the action's build tool, wrapped in its own pre and post hooks. */
export interface ToolInvocation {
  /** How the log and failure reasons name this run, e.g. "xcodebuild build-for-testing". */
  label: string;
  xcodebuildAction: XcodebuildAction;
  argv: string[];
  cwd: string;
}

export type ToolchainResult =
  { ok: true; invocations: ToolInvocation[] } | { ok: false; reason: string };

export const XCODEBUILD_MISSING =
  'xcodebuild is not installed on this runner; ' +
  'give the action a command or run it on a Mac with Xcode';

/**
 * Decides what the action runs, before anything is cloned: a workflow's own
 * command runs once through /bin/sh in the repository; otherwise xcodebuild,
 * found on the build's PATH, runs once per xcodebuild action.
 */
export async function resolveToolchain(
  plan: Pick<ActionPlan, 'action' | 'workflow' | 'baseEnv'>,
  paths: ActionPaths,
): Promise<ToolchainResult> {
  const { action } = plan;
  if (action.command !== undefined) {
    // One command stands for the whole action; scripts see the xcodebuild
    // action that would have done the same work last.
    const xcodebuildAction = xcodebuildActionsFor(action.actionType ?? 'BUILD').at(-1) ?? 'build';
    const argv = ['/bin/sh', '-c', action.command];
    const invocation = { label: 'the command', xcodebuildAction, argv, cwd: paths.repository };
    return { ok: true, invocations: [invocation] };
  }

  const xcodebuild = await findExecutable('xcodebuild', plan.baseEnv.PATH);
  if (xcodebuild === null) return { ok: false, reason: XCODEBUILD_MISSING };

  const container = plan.workflow.containerFilePath;
  let composed;
  try {
    composed = composeXcodebuild({
      action,
      repository: paths.repository,
      containerFilePath: container,
      derivedData: paths.derivedData,
      resultBundle: paths.resultBundle,
      archive: paths.archive,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `xcodebuild cannot be composed for this action: ${why}` };
  }

  // xcodebuild finds a Swift package in its working folder; for projects and
  // workspaces, named by absolute path, the folder does not matter.
  const cwd = container ? join(paths.repository, dirname(container)) : paths.repository;
  const invocations = composed.map(({ xcodebuildAction, args }) => ({
    label: `xcodebuild ${xcodebuildAction}`,
    xcodebuildAction,
    argv: [xcodebuild, ...args],
    cwd,
  }));
  return { ok: true, invocations };
}
