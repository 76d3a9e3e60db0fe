import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hookCommand } from '../../../src/engine/executor/hook-command.ts';
import { findCiScripts } from '../../../src/engine/executor/find-ci-scripts.ts';
import { removeScratch, scratchDir } from './harness.ts';

after(removeScratch);

async function script(folder: string, name: string, text: string, mode: number): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

/** A PATH holding only the named (fake) shells. */
async function shells(...names: string[]): Promise<string> {
  const folder = await scratchDir('stratus-shells-');
  for (const name of names) await script(folder, name, '#!/bin/sh\n', 0o755);
  return folder;
}

test('an executable script with a shebang runs as itself', async () => {
  const folder = await scratchDir();
  const file = await script(folder, 'ci_post_clone.sh', '#!/bin/sh\necho hi\n', 0o755);
  assert.deepEqual(await hookCommand(file, await shells('zsh')), { argv: [file], note: null });
});

test('anything else is handed to zsh, by file name', async () => {
  const folder = await scratchDir();
  const path = await shells('zsh', 'bash');
  const zsh = join(path, 'zsh');
  const cases = [
    await script(folder, 'a.sh', '#!/bin/sh\necho hi\n', 0o644),
    await script(folder, 'b.sh', 'echo hi\n', 0o755),
    await script(folder, 'c.sh', 'echo hi\n', 0o644),
  ];
  for (const file of cases) {
    const name = file.slice(folder.length + 1);
    assert.deepEqual(await hookCommand(file, path), { argv: [zsh, name], note: null });
  }
});

test('without zsh the next shell runs it, and the log says so', async () => {
  const folder = await scratchDir();
  const file = await script(folder, 'ci_post_clone.sh', 'echo hi\n', 0o644);
  const path = await shells('bash', 'sh');
  assert.deepEqual(await hookCommand(file, path), {
    argv: [join(path, 'bash'), 'ci_post_clone.sh'],
    note: 'zsh is not installed; running ci_post_clone.sh with bash',
  });
  const onlySh = await shells('sh');
  assert.equal((await hookCommand(file, onlySh))?.argv[0], join(onlySh, 'sh'));
});

test('a missing hook, or a folder in its place, is no hook', async () => {
  const folder = await scratchDir();
  await mkdir(join(folder, 'ci_pre_xcodebuild.sh'));
  assert.equal(await hookCommand(join(folder, 'ci_post_clone.sh'), '/usr/bin:/bin'), null);
  assert.equal(await hookCommand(join(folder, 'ci_pre_xcodebuild.sh'), '/usr/bin:/bin'), null);
});

test('ci_scripts is looked for beside the project, then at the root', async () => {
  const repository = await scratchDir();
  assert.equal(await findCiScripts(repository, 'ios/App.xcodeproj'), null);

  const root = join(repository, 'ci_scripts');
  await mkdir(root);
  assert.equal(await findCiScripts(repository, 'ios/App.xcodeproj'), root);
  assert.equal(await findCiScripts(repository, null), root);

  await mkdir(join(repository, 'ios', 'ci_scripts'), { recursive: true });
  assert.equal(
    await findCiScripts(repository, 'ios/App.xcodeproj'),
    join(repository, 'ios', 'ci_scripts'),
  );
  // A project path that leaves the repository cannot point outside it.
  assert.equal(await findCiScripts(repository, '../App.xcodeproj'), root);
});
