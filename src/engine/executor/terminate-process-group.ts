import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TerminateConfig {
  /** How long the group gets to exit after SIGTERM before SIGKILL. */
  graceMs: number;
}

const POLL_MS = 50;
// After SIGKILL the kernel needs a moment to tear processes down; past
// this the group is left alone rather than waited on forever.
const KILL_WAIT_MS = 2_000;

/**
 * Ends every process in the group led by `pgid`: SIGTERM, a grace period
 * for clean exits, then SIGKILL. Resolves once no live process is left in
 * the group (or the group would not die even to SIGKILL).
 *
 * Every build step is started as a group leader, so this reaches the
 * step's whole tree: children, grandchildren and anything they put in the
 * background, unless a process deliberately moved to a session of its own.
 */
export async function terminateProcessGroup(pgid: number, config: TerminateConfig): Promise<void> {
  if (!(await isGroupAlive(pgid))) return;

  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, config.graceMs)) return;

  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, KILL_WAIT_MS);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group ended between the check and the signal.
  }
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += POLL_MS) {
    if (!(await isGroupAlive(pgid))) return true;
    await sleep(POLL_MS);
  }
  return !(await isGroupAlive(pgid));
}

async function isGroupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // A killed grandchild whose parent died first is a zombie until init
  // reaps it, and kill(2) still finds it. On Linux, look for a member that
  // is not a zombie; elsewhere trust kill(2).
  return (await hasLiveMember(pgid)) ?? true;
}

async function hasLiveMember(pgid: number): Promise<boolean | null> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  const pids = entries.filter((entry) => /^\d+$/.test(entry));
  const states = await Promise.all(pids.map((pid) => readState(pid)));
  return states.some((state) => state !== null && state.pgrp === pgid && state.state !== 'Z');
}

async function readState(pid: string): Promise<{ state: string; pgrp: number } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold spaces or
    // parentheses; the fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}
