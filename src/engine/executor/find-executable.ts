import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The first executable file called `name` on a PATH-style search list, as a
 * shell would find it, or null. The search list is the build's own PATH,
 * not the server's, since that is where the build will look.
 */
export async function findExecutable(
  name: string,
  searchPath: string | undefined,
): Promise<string | null> {
  for (const folder of (searchPath ?? '').split(delimiter)) {
    // An empty or relative entry would depend on the server's working folder.
    if (folder === '' || !isAbsolute(folder)) continue;
    const candidate = join(folder, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
