/**
 * Finished GET responses, kept until the database changes. Clients poll: the
 * CLI's `--wait`, dashboards and CI scripts read the same run again and again,
 * and between two writes every such read would build the same bytes. An entry
 * is served only while the store's change mark is the one read before the
 * entry was built, so a cached answer is never older than the database; any
 * write anywhere (this process, a runner process, another API process) empties
 * the cache in effect.
 *
 * Entries also expire after `ttlMs`: a document may carry a signed download
 * link, and a kept copy must not eat much of that link's hour.
 */
import { LRUCache } from 'lru-cache';

interface Entry {
  mark: string;
  body: Buffer;
}

export interface ResponseCacheConfig {
  /** Bytes of bodies kept at most; 0 turns the cache off. */
  maxBytes: number;
  ttlMs?: number;
}

const DEFAULT_TTL_MS = 10_000;
/*
 * Memory an entry takes beyond its key, mark and body bytes: the entry and Buffer objects,
 * the body's own allocation and the LRU's indexes. Measured at about 550 bytes on Node 20
 * (heap and external memory of a full cache of small entries, divided by their number).
 */
const ENTRY_OVERHEAD_BYTES = 512;

export class ResponseCache {
  readonly #entries: LRUCache<string, Entry> | null;

  constructor(config: ResponseCacheConfig) {
    this.#entries =
      config.maxBytes > 0
        ? new LRUCache<string, Entry>({
            maxSize: config.maxBytes,
            // The key, the mark and each entry's bookkeeping count too, so many small
            // documents cannot overrun the budget.
            sizeCalculation: (entry, key) =>
              entry.body.length + key.length + entry.mark.length + ENTRY_OVERHEAD_BYTES,
            ttl: config.ttlMs ?? DEFAULT_TTL_MS,
            ttlAutopurge: false,
          })
        : null;
  }

  /** False when the budget is 0: nothing is ever kept. */
  get enabled(): boolean {
    return this.#entries !== null;
  }

  /** The body kept for `key` if it was built at `mark`; stale entries are dropped. */
  get(key: string, mark: string): Buffer | undefined {
    const entry = this.#entries?.get(key);
    if (entry === undefined) return undefined;
    if (entry.mark !== mark) {
      this.#entries!.delete(key);
      return undefined;
    }
    return entry.body;
  }

  /** Keeps `body` for `key`, valid while the store's mark stays `mark`. */
  set(key: string, mark: string, body: Buffer): void {
    if (!this.#entries) return;
    this.#entries.set(key, { mark, body: ownMemory(body) });
  }
}

/*
 * A small Buffer is a slice of Node's shared 8 KiB pool, and keeping the slice keeps the
 * whole pool chunk: kept bodies with other, short-lived buffers between them would hold
 * many times the byte budget. A kept body therefore gets memory of its own.
 */
function ownMemory(body: Buffer): Buffer {
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) return body;
  const own = Buffer.allocUnsafeSlow(body.byteLength);
  body.copy(own);
  return own;
}
