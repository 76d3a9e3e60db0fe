/**
 * Runs one child process of a build step and tails its output line by line.
 *
 *   start ──▶ tail stdout/stderr ──▶ wait for exit ──▶ clean up the group
 *                 ▲                                        │
 *   abort ────────┴──── SIGTERM … SIGKILL the group ◀──────┘
 *
 * The child leads a process group of its own, so cancelling, and the clean
 * up after a normal exit, reach everything it started. A step that leaves a
 * daemon behind would otherwise keep the output pipes open and outlive the
 * action's workspace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineSplitter } from '../../parsers/line-splitter.ts';
import { terminateProcessGroup } from './terminate-process-group.ts';

export interface ProcessSpec {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onLine: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface ProcessResult {
  /** Null when the process was ended by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  exitSignal: NodeJS.Signals | null;
  /** The abort signal fired while the process ran (or before it could start). */
  canceled: boolean;
  /** Set when the process could not be started at all. */
  startError: Error | null;
}

const GRACE_MS = 5_000;
// Output pipes normally close right after the group is gone; a process that
// escaped into its own session may hold them open, and is not waited for.
const PIPE_DRAIN_MS = 2_000;

export async function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  if (spec.signal.aborted) {
    return { exitCode: null, exitSignal: null, canceled: true, startError: null };
  }

  const child = start(spec);
  const closed = once(child, 'close').catch(() => undefined);
  const drained = tail(child, spec.onLine);

  let canceled = false;
  let termination: Promise<void> | null = null;
  const terminate = (): Promise<void> => {
    if (child.pid === undefined) return Promise.resolve();
    termination ??= terminateProcessGroup(child.pid, { graceMs: GRACE_MS });
    return termination;
  };
  const onAbort = (): void => {
    canceled = true;
    void terminate();
  };
  spec.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const ended = await waitForExit(child);
    if ('error' in ended) {
      return { exitCode: null, exitSignal: null, canceled, startError: ended.error };
    }

    await terminate();
    await Promise.race([closed, sleep(PIPE_DRAIN_MS, undefined, { ref: false })]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    return { exitCode: ended.code, exitSignal: ended.signal, canceled, startError: null };
  } finally {
    spec.signal.removeEventListener('abort', onAbort);
    drained();
  }
}

function start(spec: ProcessSpec): ChildProcess {
  const [command, ...args] = spec.argv;
  if (command === undefined) throw new TypeError('a process needs a command');
  return spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Feeds both output streams to the line callback; the returned function flushes the last lines. */
function tail(child: ChildProcess, onLine: ProcessSpec['onLine']): () => void {
  const stdout = new LineSplitter((line) => onLine('stdout', line));
  const stderr = new LineSplitter((line) => onLine('stderr', line));
  child.stdout?.on('data', (chunk: Buffer) => stdout.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
  return () => {
    stdout.end();
    stderr.end();
  };
}

type Ended = { code: number | null; signal: NodeJS.Signals | null } | { error: Error };

function waitForExit(child: ChildProcess): Promise<Ended> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // 'error' without 'exit' means the process never started.
    child.once('error', (error) => {
      if (child.pid === undefined) resolve({ error });
    });
  });
}
