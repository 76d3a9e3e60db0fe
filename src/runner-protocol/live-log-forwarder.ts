/**
 * Sends an action's log lines to the server in batches while the action
 * runs, one request at a time. A build that writes faster than the network
 * carries does not grow this process: past `maxBufferedBytes` lines are
 * skipped here, with one line saying so. The full log stays on the runner and
 * reaches the server in the LOG_BUNDLE, so nothing is lost for good.
 */
export interface LiveLogForwarderConfig {
  send: (position: number, text: string) => Promise<void>;
  flushBytes: number;
  flushMs: number;
  maxBufferedBytes: number;
  onError: (err: unknown) => void;
}

export class LiveLogForwarder {
  readonly #config: Readonly<LiveLogForwarderConfig>;
  #buffer: { position: number; text: string }[] = [];
  #bytes = 0;
  #skipped = 0;
  #inFlight: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(config: LiveLogForwarderConfig) {
    this.#config = Object.freeze({ ...config });
  }

  push(position: number, text: string): void {
    if (this.#bytes + text.length > this.#config.maxBufferedBytes) {
      this.#skipped++;
      return;
    }
    if (this.#skipped > 0) {
      this.#add(position, `[${this.#skipped} lines not shown live; the log bundle has them]\n`);
      this.#skipped = 0;
    }
    this.#add(position, text);
    if (this.#bytes >= this.#config.flushBytes) void this.#flush();
    else this.#timer ??= setTimeout(() => void this.#flush(), this.#config.flushMs);
  }

  /** Sends what is buffered and waits until the server has it. */
  async drain(): Promise<void> {
    while (this.#inFlight || this.#buffer.length > 0) {
      await (this.#inFlight ?? this.#flush());
    }
  }

  #add(position: number, text: string): void {
    this.#buffer.push({ position, text });
    this.#bytes += text.length;
  }

  async #flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#inFlight || this.#buffer.length === 0) return;
    const lines = this.#buffer;
    this.#buffer = [];
    this.#bytes = 0;
    this.#inFlight = this.#send(lines)
      .catch(this.#config.onError)
      .finally(() => {
        this.#inFlight = null;
        if (this.#buffer.length > 0) void this.#flush();
      });
    await this.#inFlight;
  }

  /** One request per action, in order. */
  async #send(lines: { position: number; text: string }[]): Promise<void> {
    let start = 0;
    for (let i = 1; i <= lines.length; i++) {
      if (i < lines.length && lines[i]!.position === lines[start]!.position) continue;
      const text = lines
        .slice(start, i)
        .map((l) => l.text)
        .join('');
      await this.#config.send(lines[start]!.position, text);
      start = i;
    }
  }
}
