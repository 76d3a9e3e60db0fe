import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { zipDirectory } from '../../../src/engine/executor/zip-directory.ts';
import { removeScratch, scratchDir, zipEntries } from './harness.ts';

after(removeScratch);

test('a bundle is zipped under its own name, links kept as links', async () => {
  const work = await scratchDir();
  const framework = join(work, 'App.xcarchive', 'Products', 'Kit.framework');
  await mkdir(join(framework, 'Versions', 'A'), { recursive: true });
  await writeFile(join(framework, 'Versions', 'A', 'Kit'), 'binary');
  await symlink('A', join(framework, 'Versions', 'Current'));
  await mkdir(join(work, 'App.xcarchive', 'dSYMs'));

  const zip = join(work, 'artifacts', 'App.xcarchive.zip');
  await zipDirectory(join(work, 'App.xcarchive'), zip);

  const entries = await zipEntries(zip);
  const base = 'App.xcarchive/Products/Kit.framework/Versions';
  assert.ok(entries.has('App.xcarchive/'));
  assert.ok(entries.has('App.xcarchive/dSYMs/'), 'empty folders are kept');
  assert.equal((entries.get(`${base}/A/Kit`) ?? 0) & 0o170000, 0o100000);
  assert.equal((entries.get(`${base}/Current`) ?? 0) & 0o170000, 0o120000);
});
