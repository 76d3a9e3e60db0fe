/**
 * The clone step: a fresh working copy of the repository, its HEAD detached
 * at exactly the commit the run builds.
 */
import { dirname } from 'node:path';
import type { GitRefPlan } from './types.ts';
import { gitFailure, type Git } from './git-command.ts';
import { redactCredentials } from './redact-credentials.ts';
import { updateMirror } from './repository-mirror.ts';

export interface CloneConfig {
  /** Local path or git URL of the repository. */
  url: string;
  commitSha: string;
  ref: GitRefPlan | null;
  /** Folder to create the working copy in; must not exist yet. */
  destination: string;
  /** Folder of repository mirrors to clone through; null clones straight from the URL. */
  cacheDir: string | null;
}

export type CloneResult = { ok: true } | { ok: false; canceled: boolean; reason: string };

const CANCELED: CloneResult = { ok: false, canceled: true, reason: 'canceled' };

export async function cloneRepository(config: CloneConfig, git: Git): Promise<CloneResult> {
  const { url, commitSha, destination } = config;
  const failed = (why: string): CloneResult => ({
    ok: false,
    canceled: false,
    reason: redactCredentials(`could not check out commit ${commitSha} of ${url}: ${why}`),
  });

  let source = url;
  if (config.cacheDir !== null) {
    const mirror = await updateMirror(config.cacheDir, url, git, commitSha);
    if (!mirror.ok) return mirror.canceled ? CANCELED : failed(mirror.reason);
    source = mirror.path;
  }

  // A local clone of the mirror hard-links its objects, so it is cheap
  // however large the history.
  // The remote is named explicitly: a user's clone.defaultRemoteName must not move it.
  const clone = ['clone', '--no-checkout', '--quiet', '--origin', 'origin', source, destination];
  const cloned = await git(clone, dirname(destination));
  if (cloned.canceled) return CANCELED;
  const cloneError = gitFailure(clone, cloned);
  if (cloneError !== null) return failed(cloneError);

  // A commit no branch or tag reaches (a pull request head, a force-pushed
  // branch) does not come with the clone; ask for it by name.
  const commit = `${commitSha}^{commit}`;
  const present = await git(['cat-file', '-e', commit], destination);
  if (present.canceled) return CANCELED;
  if (present.exitCode !== 0) {
    const fetch = ['fetch', '--quiet', 'origin', commitSha];
    const fetched = await git(fetch, destination);
    if (fetched.canceled) return CANCELED;
    if (fetched.exitCode !== 0) return failed('the commit is not in the repository');
  }

  const checkout = ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit];
  const checkedOut = await git(checkout, destination);
  if (checkedOut.canceled) return CANCELED;
  const checkoutError = gitFailure(checkout, checkedOut);
  if (checkoutError !== null) return failed(checkoutError);

  // Scripts see the real remote, not the mirror the clone came through.
  if (source !== url) {
    const setUrl = await git(['remote', 'set-url', 'origin', url], destination);
    if (setUrl.canceled) return CANCELED;
  }

  if (config.ref !== null) await nameCommit(config.ref, commitSha, destination, git);
  return { ok: true };
}

/**
 * Gives the commit its branch or tag name, so that scripts asking git for
 * the branch (`git rev-parse --abbrev-ref origin/HEAD`, `git describe`,
 * `git branch --contains`) find it. HEAD stays detached, as on Xcode Cloud;
 * the name is a convenience and failing to set it fails nothing.
 */
async function nameCommit(ref: GitRefPlan, commitSha: string, repository: string, git: Git) {
  if (ref.kind === 'TAG') {
    const tag = `refs/tags/${ref.name}`;
    const existing = await git(['rev-parse', '--verify', '--quiet', tag], repository);
    if (existing.exitCode !== 0 && !existing.canceled) {
      await git(['tag', ref.name, commitSha], repository);
    }
    return;
  }

  const branch = await git(['branch', '--force', '--no-track', ref.name, commitSha], repository);
  if (branch.exitCode !== 0) return;
  await git(['config', `branch.${ref.name}.remote`, 'origin'], repository);
  await git(['config', `branch.${ref.name}.merge`, ref.canonicalName], repository);
}
