/**
 * Starts `stratus runner` as a real separate process for fault tests, and
 * reads what the kernel says about processes (alive, resident memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));

export interface RunnerChild {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** `stratus runner <args>`, resolved once it says it takes runs. */
export function spawnRunner(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunnerChild> {
  const child = spawn(process.execPath, [bin, 'runner', '--log-level', 'info', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const collect = (chunk: Buffer) => {
    // Keep the head, where start-up problems are; a flood of logs must not fill the test.
    if (out.length < 1_000_000) out += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`runner exited with ${code} before starting: ${out}`));
    child.once('exit', onExit);
    const check = () => {
      if (!/is taking runs from/.test(out)) return;
      child.off('exit', onExit);
      child.stdout!.off('data', check);
      resolve({
        child,
        pid: child.pid!,
        output: () => out,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        },
      });
    };
    child.stdout!.on('data', check);
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(2); it no longer runs.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resident memory of a process in bytes, from /proc; null once it is gone. */
export function residentBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Polls `check` every 100 ms until it answers something other than undefined. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
