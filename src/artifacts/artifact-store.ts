/**
 * Artifact files on the local filesystem, served through signed, expiring
 * URLs: like Apple's `downloadUrl`, a link is fetched without the API token,
 * so the link itself carries the proof (an HMAC over the artifact id and the
 * expiry time).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface ArtifactStoreConfig {
  /** Folder that holds the files. */
  root: string;
  /** Secret for signing download links. */
  secret: Buffer;
  /** Origin for links, e.g. http://127.0.0.1:8080; read per link (known once listening). */
  origin: () => string;
  /** How long a link stays valid, in seconds. */
  linkLifetimeSeconds: number;
}

export class ArtifactStore {
  readonly #config: Readonly<ArtifactStoreConfig>;

  constructor(config: ArtifactStoreConfig) {
    this.#config = Object.freeze({ ...config });
  }

  /** Moves (or copies, across devices) a finished file into the store. */
  async put(key: string, sourcePath: string): Promise<{ storageKey: string; size: number }> {
    const target = this.#pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(sourcePath, target);
    } catch {
      await copyFile(sourcePath, target);
    }
    const { size } = await stat(target);
    return { storageKey: key, size };
  }

  /** Deletes every file stored under a run (keys start with the run id). */
  async removeRun(runId: string): Promise<void> {
    await rm(this.#pathOf(runId), { recursive: true, force: true });
  }

  open(storageKey: string): ReadStream {
    return createReadStream(this.#pathOf(storageKey));
  }

  pathOf(storageKey: string): string {
    return this.#pathOf(storageKey);
  }

  /** A download link valid for the configured lifetime from `now`. */
  downloadUrl(artifactId: string, fileName: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.#config.linkLifetimeSeconds;
    const signature = this.#sign(artifactId, expires);
    const name = encodeURIComponent(fileName);
    return `${this.#config.origin()}/artifacts/${artifactId}/${name}?e=${expires}&s=${signature}`;
  }

  /** True when the signature matches and the link has not expired. */
  verify(artifactId: string, expires: string, signature: string, now = Date.now()): boolean {
    if (!/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
    if (Number(expires) * 1000 < now) return false;
    const expected = Buffer.from(this.#sign(artifactId, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sign(artifactId: string, expires: number): string {
    return createHmac('sha256', this.#config.secret)
      .update(`${artifactId}\n${expires}`)
      .digest('base64url');
  }

  #pathOf(key: string): string {
    if (key.includes('..') || key.startsWith('/')) throw new Error(`bad storage key '${key}'`);
    return join(this.#config.root, key);
  }
}
