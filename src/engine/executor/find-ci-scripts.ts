import { stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The ci_scripts folder Xcode Cloud honours: the one beside the project or
 * workspace the workflow builds, else the one at the root of the
 * repository. Null when there is none, and the action simply has no hooks.
 */
export async function findCiScripts(
  repository: string,
  containerFilePath: string | null,
): Promise<string | null> {
  const candidates: string[] = [];
  if (containerFilePath !== null && containerFilePath !== '') {
    const beside = resolve(repository, dirname(containerFilePath), 'ci_scripts');
    // A container path that climbs out of the repository names nothing we clone.
    const inside = relative(repository, beside);
    if (inside !== '..' && !inside.startsWith(`..${sep}`)) candidates.push(beside);
  }
  candidates.push(join(repository, 'ci_scripts'));

  for (const candidate of candidates) {
    if (await isDirectory(candidate)) return candidate;
  }
  return null;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
