import { StringDecoder } from 'node:string_decoder';
import { MAX_LINE_BYTES } from './limits.ts';

/**
 * Turns a stream of output chunks into lines, without their line endings, for
 * a parser's `push()`. Splits on `\n` and drops the `\r` of `\r\n`; a chunk may
 * end anywhere, including inside a multi-byte UTF-8 character. A line longer
 * than 64 KiB is cut there and marked, so a binary blob on stdout cannot grow
 * memory without bound.
 *
 * @example
 * const splitter = new LineSplitter((line) => parser.push(line));
 * child.stdout.on('data', (chunk) => splitter.write(chunk));
 * child.stdout.on('end', () => { splitter.end(); parser.end(); });
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  #parts: string[] = [];
  #bytes = 0;
  #droppedBytes = 0;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  write(chunk: Buffer | string): void {
    // A string chunk cannot continue a character split across Buffers.
    const text =
      typeof chunk === 'string' ? this.#decoder.end() + chunk : this.#decoder.write(chunk);

    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) break;
      this.#append(text.slice(start, newline));
      this.#flush();
      start = newline + 1;
    }
    if (start < text.length) this.#append(start === 0 ? text : text.slice(start));
  }

  end(): void {
    const rest = this.#decoder.end();
    if (rest !== '') this.#append(rest);
    if (this.#parts.length > 0 || this.#droppedBytes > 0) this.#flush();
  }

  #append(piece: string): void {
    if (piece === '') return;

    const size = Buffer.byteLength(piece);
    if (this.#droppedBytes > 0) {
      this.#droppedBytes += size;
      return;
    }
    if (this.#bytes + size <= MAX_LINE_BYTES) {
      this.#parts.push(piece);
      this.#bytes += size;
      return;
    }

    const kept = truncateUtf8(piece, MAX_LINE_BYTES - this.#bytes);
    const keptSize = Buffer.byteLength(kept);
    this.#parts.push(kept);
    this.#bytes += keptSize;
    this.#droppedBytes = size - keptSize;
  }

  #flush(): void {
    let line = this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.#droppedBytes > 0) {
      line += ` […line truncated, ${this.#droppedBytes} more bytes]`;
    }

    this.#parts = [];
    this.#bytes = 0;
    this.#droppedBytes = 0;
    this.#onLine(line);
  }
}

/** The longest prefix of `text` that fits in `maxBytes` without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  // write() holds back an incomplete trailing character instead of mangling it.
  return new StringDecoder('utf8').write(Buffer.from(text, 'utf8').subarray(0, maxBytes));
}
