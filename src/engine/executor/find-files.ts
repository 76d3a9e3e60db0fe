import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';

/**
 * Files under `root` whose path relative to it matches `glob`, as sorted
 * `/`-separated relative paths. Only the folder the glob is anchored at is
 * walked; `.git` is never entered and symbolic links to folders are not
 * followed, so a link loop in a repository cannot hang the action.
 *
 * @example
 * await findFiles('/w/repository', 'build/reports/TEST-*.xml') // → ['build/reports/TEST-app.xml']
 */
export async function findFiles(root: string, glob: string): Promise<string[]> {
  const pattern = posix.normalize(glob.replaceAll('\\', '/')).replace(/^\.\//, '');
  if (pattern.startsWith('../') || pattern.startsWith('/')) return [];

  const scanned = picomatch.scan(pattern);
  if (!scanned.isGlob) return (await isFile(join(root, pattern))) ? [pattern] : [];

  const matches = picomatch(pattern, { dot: true });
  const found: string[] = [];
  await walk(root, scanned.base, (path) => {
    if (matches(path)) found.push(path);
  });
  return found.sort();
}

async function walk(root: string, folder: string, visit: (path: string) => void): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, folder), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== '.git') await walk(root, path, visit);
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(join(root, path))))) {
      visit(path);
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
