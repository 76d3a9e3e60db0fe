import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

const SYMLINK_MODE = 0o120777;

/**
 * Zips the folder `source` (a .xcresult or .xcarchive bundle) into the file
 * `destination`, under its own name, so that unzipping gives the bundle
 * back. Symbolic links stay links: framework bundles inside archives are
 * built from them, and following them would duplicate or break the bundle.
 *
 * @example
 * await zipDirectory('/w/build.xcarchive', '/w/artifacts/App.xcarchive.zip')
 */
export async function zipDirectory(source: string, destination: string): Promise<void> {
  const zip = new ZipFile();
  await mkdir(dirname(destination), { recursive: true });
  const written = pipeline(zip.outputStream, createWriteStream(destination));
  try {
    await add(zip, source, basename(source));
  } finally {
    // Always end, so that the write stream settles even when adding failed.
    zip.end();
  }
  await written;
}

async function add(zip: ZipFile, path: string, name: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) {
    zip.addBuffer(Buffer.from(await readlink(path)), name, { mode: SYMLINK_MODE });
  } else if (info.isDirectory()) {
    zip.addEmptyDirectory(name, { mode: info.mode & 0xffff, mtime: info.mtime });
    const entries = (await readdir(path)).sort();
    for (const entry of entries) await add(zip, join(path, entry), `${name}/${entry}`);
  } else if (info.isFile()) {
    zip.addFile(path, name, { mode: info.mode & 0xffff, mtime: info.mtime });
  }
}
