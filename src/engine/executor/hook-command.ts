import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { findExecutable } from './find-executable.ts';

/** The three hooks Xcode Cloud runs, by the moment they run at. */
export type HookName = 'ci_post_clone.sh' | 'ci_pre_xcodebuild.sh' | 'ci_post_xcodebuild.sh';

export interface HookCommand {
  argv: string[];
  /** Said in the log when the hook cannot run the way Xcode Cloud would run it. */
  note: string | null;
}

// Xcode Cloud runs scripts without a usable shebang with zsh. Machines
// without zsh (most Linux runners) get the closest shell there is.
const SHELLS = ['zsh', 'bash', 'sh'];

/**
 * How to start the hook at `file`, or null when it does not exist.
 * An executable file that starts with `#!` runs as itself; anything else
 * is handed to the shell as a script file.
 */
export async function hookCommand(
  file: string,
  searchPath: string | undefined,
): Promise<HookCommand | null> {
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) return null;

  if ((info.mode & 0o111) !== 0 && (await hasShebang(file))) return { argv: [file], note: null };

  const name = basename(file);
  for (const shell of SHELLS) {
    const found = await findExecutable(shell, searchPath);
    if (found === null) continue;
    const note = shell === 'zsh' ? null : `zsh is not installed; running ${name} with ${shell}`;
    return { argv: [found, name], note };
  }
  return { argv: ['/bin/sh', name], note: `no shell on PATH; running ${name} with /bin/sh` };
}

async function hasShebang(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const start = Buffer.alloc(2);
    const { bytesRead } = await handle.read(start, 0, 2, 0);
    return bytesRead === 2 && start.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}
