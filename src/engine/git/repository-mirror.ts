/**
 * A bare mirror of each source repository, kept by the server to read its
 * references and commit details. Fetches of one repository are coalesced and
 * throttled, so a client paging through references does not refetch per page.
 *
 * The executor keeps mirrors of its own for cloning (executor/repository-mirror.ts),
 * because a runner on another machine cannot share this folder. On one machine that
 * means two mirrors of each repository; sharing them needs one lock across both.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './git.ts';

export interface MirrorRef {
  canonicalName: string;
  commitSha: string;
}

export interface CommitInfo {
  commitSha: string;
  message: string;
  authorName: string;
  committerName: string;
}

export class RepositoryMirror {
  readonly #root: string;
  readonly #minIntervalMs: number;
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #lastSync = new Map<string, number>();

  constructor(root: string, minIntervalMs = 1000) {
    this.#root = root;
    this.#minIntervalMs = minIntervalMs;
  }

  pathFor(url: string): string {
    const hash = createHash('sha256').update(url).digest('hex').slice(0, 16);
    return join(this.#root, `${hash}.git`);
  }

  /** Brings the mirror up to date unless it was synced within the interval (or `force`). */
  sync(url: string, force = false): Promise<void> {
    const running = this.#inflight.get(url);
    if (running) return running;
    const last = this.#lastSync.get(url) ?? 0;
    if (!force && Date.now() - last < this.#minIntervalMs) return Promise.resolve();

    const work = this.#fetch(url).finally(() => this.#inflight.delete(url));
    this.#inflight.set(url, work);
    return work;
  }

  async #fetch(url: string): Promise<void> {
    // The mirror shows the repository as it was when the fetch began, however long it took.
    const startedAt = Date.now();
    const dir = this.pathFor(url);
    if (!existsSync(dir)) {
      await mkdir(this.#root, { recursive: true });
      await git(['clone', '--mirror', '--quiet', url, dir]);
    } else {
      await git(
        [
          'fetch',
          '--prune',
          '--quiet',
          url,
          '+refs/heads/*:refs/heads/*',
          '+refs/tags/*:refs/tags/*',
        ],
        {
          cwd: dir,
        },
      );
    }
    this.#lastSync.set(url, startedAt);
  }

  async refs(url: string): Promise<MirrorRef[]> {
    const out = await git(
      [
        'for-each-ref',
        '--format=%(refname)%00%(objectname)%00%(*objectname)',
        'refs/heads',
        'refs/tags',
      ],
      { cwd: this.pathFor(url) },
    );
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [canonicalName, sha, peeled] = line.split('\0') as [string, string, string];
        // An annotated tag names the tag object; builds want the commit it points at.
        return { canonicalName, commitSha: peeled || sha };
      });
  }

  async defaultBranch(url: string): Promise<string | null> {
    try {
      const out = await git(['symbolic-ref', '--short', 'HEAD'], { cwd: this.pathFor(url) });
      return out.trim() || null;
    } catch {
      return null;
    }
  }

  async commit(url: string, sha: string): Promise<CommitInfo> {
    const out = await git(['log', '-1', '--format=%H%x00%an%x00%cn%x00%B', sha, '--'], {
      cwd: this.pathFor(url),
    });
    const [commitSha, authorName, committerName, ...rest] = out.split('\0');
    return {
      commitSha: commitSha!.trim(),
      authorName: authorName ?? '',
      committerName: committerName ?? '',
      message: rest.join('\0').replace(/\n+$/, '\n'),
    };
  }
}
