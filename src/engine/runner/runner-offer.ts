/**
 * What a runner offers: how many runs at once, whether xcodebuild is on the
 * build's PATH, and the Xcode and macOS versions it runs. Detection stays in
 * this one function so that a toolchain detector can replace it whole.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findExecutable } from '../executor/find-executable.ts';

export interface RunnerOffer {
  id: string;
  name: string;
  mode: 'local' | 'store' | 'http';
  slots: number;
  xcodebuild: boolean;
  xcodeVersion: string | null;
  macosVersion: string | null;
}

const run = promisify(execFile);

/** Looks for xcodebuild on the build's PATH and asks it, and sw_vers, for versions. */
export async function detectOffer(
  base: Pick<RunnerOffer, 'id' | 'name' | 'mode' | 'slots'>,
  buildEnv: Record<string, string>,
): Promise<RunnerOffer> {
  const xcodebuild = await findExecutable('xcodebuild', buildEnv.PATH);
  const swVers = await findExecutable('sw_vers', buildEnv.PATH);
  return {
    ...base,
    xcodebuild: xcodebuild !== null,
    xcodeVersion: xcodebuild ? await firstMatch(xcodebuild, ['-version'], /Xcode\s+(\S+)/) : null,
    macosVersion: swVers ? await firstMatch(swVers, ['-productVersion'], /(\d+(?:\.\d+)*)/) : null,
  };
}

async function firstMatch(file: string, args: string[], pattern: RegExp): Promise<string | null> {
  try {
    const { stdout } = await run(file, args, { timeout: 10_000 });
    return pattern.exec(stdout)?.[1] ?? null;
  } catch {
    // A runner that cannot say its version still offers the tool.
    return null;
  }
}
