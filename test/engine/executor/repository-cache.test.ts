import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mirrorPath } from '../../../src/engine/executor/repository-mirror.ts';
import { runAction } from '../../../src/engine/executor/run-action.ts';
import type { ActionPlan } from '../../../src/engine/executor/types.ts';
import {
  RecordingSink,
  commitFiles,
  git,
  makePlan,
  makeRepository,
  removeScratch,
  scratchDir,
} from './harness.ts';

let source: { path: string; commit: string };
let cacheDir: string;

before(async () => {
  source = await makeRepository({ 'README.md': 'first\n' });
  cacheDir = await scratchDir('stratus-cache-');
});

after(removeScratch);

async function cloneAt(
  commit: string,
  overrides: {
    url?: string;
    run?: Partial<ActionPlan['run']>;
    repository?: Partial<ActionPlan['repository']>;
  } = {},
) {
  const workDir = await scratchDir();
  const sink = new RecordingSink();
  const plan = makePlan({
    url: overrides.url ?? source.path,
    commit,
    workDir,
    cacheDir,
    action: { command: 'git rev-parse HEAD' },
    ...overrides,
  });
  const outcome = await runAction(plan, sink);
  const clone = sink.system('clone').find((line) => line.startsWith('$ git clone --no-checkout'));
  return { outcome, sink, repository: join(workDir, 'repository'), clone: clone ?? '' };
}

test('the first clone creates the mirror and clones through it', async () => {
  const mirror = mirrorPath(cacheDir, source.path);
  const first = await cloneAt(source.commit);

  assert.equal(first.outcome.status, 'SUCCEEDED', first.outcome.reason ?? '');
  assert.ok(existsSync(join(mirror, 'HEAD')), 'the mirror exists');
  assert.equal(git(mirror, 'rev-parse', '--is-bare-repository'), 'true');
  assert.ok(first.clone.includes(mirror), first.clone);
  assert.equal(git(first.repository, 'rev-parse', 'HEAD'), source.commit);
  // Scripts see the real remote, not the mirror.
  assert.equal(git(first.repository, 'remote', 'get-url', 'origin'), source.path);
});

test('a later clone fetches new commits into the mirror', async () => {
  const mirror = mirrorPath(cacheDir, source.path);
  const second = await commitFiles(source.path, { 'README.md': 'second\n' }, 'Second');
  const later = await cloneAt(second);

  assert.equal(later.outcome.status, 'SUCCEEDED', later.outcome.reason ?? '');
  assert.ok(later.clone.includes(mirror), later.clone);
  assert.ok(later.sink.system('clone').some((line) => line.includes(`--git-dir ${mirror} fetch`)));
  assert.equal(git(later.repository, 'rev-parse', 'HEAD'), second);
  assert.equal(git(mirror, 'rev-parse', 'refs/heads/main'), second);
  assert.deepEqual(later.sink.output('xcodebuild'), [second]);
});

test('an older commit still checks out exactly, through the mirror', async () => {
  const older = await cloneAt(source.commit);
  assert.equal(older.outcome.status, 'SUCCEEDED');
  assert.equal(git(older.repository, 'rev-parse', 'HEAD'), source.commit);
});

test('a commit only a pull request ref reaches is fetched by its id', async () => {
  git(source.path, 'checkout', '--quiet', '-b', 'feature');
  const head = await commitFiles(source.path, { 'feature.txt': 'wip\n' }, 'Feature');
  git(source.path, 'update-ref', 'refs/pull/7/head', head);
  git(source.path, 'checkout', '--quiet', 'main');
  git(source.path, 'branch', '--quiet', '-D', 'feature');

  // Through the mirror, which copies every ref; and straight over the file
  // transport, which brings only branches and tags, so the commit must be
  // asked for by its id.
  for (const [clean, url] of [[false, source.path], [true, `file://${source.path}`]] as const) {
    const result = await cloneAt(head, {
      url,
      run: { clean },
      repository: { ref: { kind: 'BRANCH', name: 'feature', canonicalName: 'refs/heads/feature' } },
    });
    assert.equal(result.outcome.status, 'SUCCEEDED', result.outcome.reason ?? '');
    assert.equal(git(result.repository, 'rev-parse', 'HEAD'), head);
    assert.equal(git(result.repository, 'rev-parse', 'feature'), head);
  }
});

test('a clean build bypasses the cache', async () => {
  const mirror = mirrorPath(cacheDir, source.path);
  const clean = await cloneAt(source.commit, { run: { clean: true } });

  assert.equal(clean.outcome.status, 'SUCCEEDED');
  assert.ok(!clean.clone.includes(mirror), clean.clone);
  assert.ok(clean.clone.includes(source.path), clean.clone);
  assert.equal(git(clean.repository, 'rev-parse', 'HEAD'), source.commit);
});

test('a tag build checks out the commit and keeps the tag', async () => {
  git(source.path, 'tag', 'v1.0', source.commit);
  const tagged = await cloneAt(source.commit, {
    repository: { ref: { kind: 'TAG', name: 'v1.0', canonicalName: 'refs/tags/v1.0' } },
  });

  assert.equal(tagged.outcome.status, 'SUCCEEDED');
  assert.equal(git(tagged.repository, 'rev-parse', 'HEAD'), source.commit);
  assert.equal(git(tagged.repository, 'describe', '--tags', '--exact-match'), 'v1.0');
});
