/**
 * The log of one action: a file per step plus one file with every line, each
 * line stamped with the time since its step started. Output past the cap is
 * dropped with one marker line, so a step that floods cannot fill the disk.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import yazl from 'yazl';

export interface ActionLogConfig {
  dir: string;
  /** Bytes across all files of the action before lines are dropped. */
  capBytes: number;
}

const stepFileNames: Record<string, string> = {
  clone: 'clone.log',
  post_clone: 'ci_post_clone.log',
  pre_xcodebuild: 'ci_pre_xcodebuild.log',
  xcodebuild: 'xcodebuild.log',
  post_xcodebuild: 'ci_post_xcodebuild.log',
  reports: 'test-reports.log',
};

export class ActionLog {
  readonly #config: ActionLogConfig;
  readonly #streams = new Map<string, WriteStream>();
  readonly #stepStarted = new Map<string, number>();
  #all: WriteStream | null = null;
  #bytes = 0;
  #capped = false;
  #failure: NodeJS.ErrnoException | null = null;

  constructor(config: ActionLogConfig) {
    this.#config = { ...config };
  }

  async open(): Promise<void> {
    await mkdir(this.#config.dir, { recursive: true });
    this.#all = this.#watch(createWriteStream(join(this.#config.dir, 'action.log')));
  }

  /**
   * The first write that failed (a full disk, a lost mount), or null. Once a
   * write fails the log takes no more lines: the action goes on, and whoever
   * performs it decides what the failure means for its outcome.
   */
  get failure(): NodeJS.ErrnoException | null {
    return this.#failure;
  }

  /**
   * Appends a line; answers it as written to the combined log (with its step
   * and time), the cap's marker line when this line reached the cap, or null
   * when the log was already capped or cannot be written.
   */
  write(step: string, stream: string, text: string): string | null {
    if (this.#capped || this.#failure) return null;
    const now = Date.now();
    if (!this.#stepStarted.has(step)) this.#stepStarted.set(step, now);
    const elapsed = ((now - this.#stepStarted.get(step)!) / 1000).toFixed(3);
    const mark = stream === 'stderr' ? ' !' : stream === 'system' ? ' #' : '';
    const line = `[+${elapsed}s]${mark} ${text}\n`;

    this.#bytes += line.length * 2;
    if (this.#bytes > this.#config.capBytes) {
      this.#capped = true;
      const marker = `[log capped at ${this.#config.capBytes} bytes; further output was dropped]\n`;
      this.#stream(step).write(marker);
      this.#all?.write(marker);
      return marker;
    }
    const combined = `${step.padEnd(15)} ${line}`;
    this.#stream(step).write(line);
    this.#all?.write(combined);
    return combined;
  }

  #stream(step: string): WriteStream {
    let s = this.#streams.get(step);
    if (!s) {
      const name = stepFileNames[step] ?? `${step.replace(/[^a-z0-9_-]/gi, '_')}.log`;
      s = this.#watch(createWriteStream(join(this.#config.dir, name)));
      this.#streams.set(step, s);
    }
    return s;
  }

  // A write stream with no 'error' listener would throw its error out of the process.
  #watch(s: WriteStream): WriteStream {
    s.on('error', (err) => {
      this.#failure ??= err;
    });
    return s;
  }

  async close(): Promise<void> {
    const all = [...this.#streams.values(), ...(this.#all ? [this.#all] : [])];
    await Promise.all(
      all.map(async (s) => {
        if (s.closed) return;
        const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
        s.end();
        await closed;
      }),
    );
  }

  /** Zips every log file of the action into `zipPath`, under `folder/` inside the archive. */
  async bundle(zipPath: string, folder: string): Promise<void> {
    const zip = new yazl.ZipFile();
    for (const name of (await readdir(this.#config.dir)).sort()) {
      zip.addFile(join(this.#config.dir, name), `${folder}/${name}`);
    }
    zip.end();
    const out = createWriteStream(zipPath);
    zip.outputStream.pipe(out);
    await once(out, 'close');
  }
}
