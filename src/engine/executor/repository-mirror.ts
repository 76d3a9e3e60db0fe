/**
 * A bare mirror per repository under the cache folder, so that each action
 * clones from local disk (hard links, no network) and only the mirror
 * talks to the remote, with an incremental fetch.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gitFailure, type Git } from './git-command.ts';

export type MirrorResult =
  { ok: true; path: string } | { ok: false; canceled: boolean; reason: string };

// Actions of one run may clone the same repository at once; two fetches
// into one mirror would fight over its ref locks.
const busy = new Map<string, Promise<unknown>>();

/** The mirror folder of a repository: named by a hash, since URLs hold characters paths cannot. */
export function mirrorPath(cacheDir: string, url: string): string {
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 24);
  return join(cacheDir, `${digest}.git`);
}

/**
 * Brings the mirror of `url` up to date, creating it on first use. A mirror
 * that already holds `commitSha` is not fetched: a run's commit never changes,
 * and a fetch is most of the cost of a small build.
 */
export async function updateMirror(
  cacheDir: string,
  url: string,
  git: Git,
  commitSha?: string,
): Promise<MirrorResult> {
  const path = mirrorPath(cacheDir, url);
  const previous = busy.get(path) ?? Promise.resolve();
  const current = previous.then(() => refresh(cacheDir, path, url, git, commitSha));
  const settled = current.catch(() => undefined);
  busy.set(path, settled);
  try {
    return await current;
  } finally {
    if (busy.get(path) === settled) busy.delete(path);
  }
}

async function refresh(
  cacheDir: string,
  path: string,
  url: string,
  git: Git,
  commitSha: string | undefined,
): Promise<MirrorResult> {
  if (await exists(join(path, 'HEAD'))) {
    if (commitSha !== undefined) {
      const held = await git(
        ['--git-dir', path, 'cat-file', '-e', `${commitSha}^{commit}`],
        cacheDir,
      );
      if (held.canceled) return { ok: false, canceled: true, reason: 'canceled' };
      if (held.exitCode === 0) return { ok: true, path };
    }
    const args = ['--git-dir', path, 'fetch', '--prune', '--quiet', 'origin'];
    const result = await git(args, cacheDir);
    if (result.canceled) return { ok: false, canceled: true, reason: 'canceled' };
    // A mirror that could not be refreshed may still hold the commit; the
    // caller checks for it before giving up.
    return { ok: true, path };
  }

  // Clone beside the final name and rename, so that an interrupted first
  // clone never leaves a half-made mirror that later actions would trust.
  await mkdir(cacheDir, { recursive: true });
  const partial = `${path}.partial-${process.pid}-${Date.now()}`;
  const args = ['clone', '--mirror', '--quiet', '--origin', 'origin', url, partial];
  const result = await git(args, cacheDir);
  if (result.canceled || result.exitCode !== 0) {
    await rm(partial, { recursive: true, force: true });
    if (result.canceled) return { ok: false, canceled: true, reason: 'canceled' };
    return { ok: false, canceled: false, reason: `${gitFailure(args, result)}` };
  }
  try {
    await rename(partial, path);
  } catch (error) {
    // Another runner sharing the cache finished its first clone before us.
    await rm(partial, { recursive: true, force: true });
    if (!(await exists(join(path, 'HEAD')))) throw error;
  }
  return { ok: true, path };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
