/** Runs git as a child process and returns its stdout; errors carry git's own message. */
import { execFile } from 'node:child_process';

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

export function git(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  return new Promise<string>((resolve, reject) => {
    execFile(
      'git',
      args as string[],
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        // Never wait for a password prompt: a server has nobody to answer it.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true' },
      },
      (error, stdout, stderr) => {
        if (error) {
          const reason = String(stderr).trim().split('\n').pop() || error.message;
          reject(new GitError(`git ${args[0]} failed: ${reason}`));
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}
