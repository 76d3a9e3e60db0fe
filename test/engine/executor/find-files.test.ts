import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { findFiles } from '../../../src/engine/executor/find-files.ts';
import { removeScratch, scratchDir } from './harness.ts';

let root: string;

before(async () => {
  root = await scratchDir();
  const files = [
    'report.xml',
    'build/test-results/TEST-app.xml',
    'build/test-results/nested/TEST-lib.xml',
    'build/test-results/notes.txt',
    '.build/reports/swiftpm.xml',
    '.git/reports/ignored.xml',
  ];
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), '<testsuites/>');
  }
  // A link back to the root must not send the walk round in circles.
  await symlink(root, join(root, 'build', 'loop'));
});

after(removeScratch);

test('a plain path matches that one file', async () => {
  assert.deepEqual(await findFiles(root, 'report.xml'), ['report.xml']);
  assert.deepEqual(await findFiles(root, './report.xml'), ['report.xml']);
  assert.deepEqual(await findFiles(root, 'missing.xml'), []);
});

test('globs match below their folder, dot folders included, .git never', async () => {
  assert.deepEqual(await findFiles(root, 'build/test-results/*.xml'), [
    'build/test-results/TEST-app.xml',
  ]);
  assert.deepEqual(await findFiles(root, 'build/**/TEST-*.xml'), [
    'build/test-results/TEST-app.xml',
    'build/test-results/nested/TEST-lib.xml',
  ]);
  assert.deepEqual(await findFiles(root, '**/*.xml'), [
    '.build/reports/swiftpm.xml',
    'build/test-results/TEST-app.xml',
    'build/test-results/nested/TEST-lib.xml',
    'report.xml',
  ]);
});

test('a glob cannot reach outside the folder', async () => {
  assert.deepEqual(await findFiles(join(root, 'build'), '../*.xml'), []);
  assert.deepEqual(await findFiles(root, '/etc/*'), []);
});
