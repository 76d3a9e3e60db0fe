// ld64 and ld-prime spread undefined and duplicate symbols over an indented block:
//
//   Undefined symbols for architecture arm64:        duplicate symbol '_foo' in:
//     "_OBJC_CLASS_$_Foo", referenced from:              /build/a.o
//         objc-class-ref in ViewController.o             /build/b.o
//   ld: symbol(s) not found for architecture arm64   ld: 1 duplicate symbol ...
//
// Each symbol becomes one message; the block ends at the first unindented line.
const UNDEFINED_HEADER = /^(?:ld: )?(Undefined symbols(?: for architecture \S+)?):$/;
const DUPLICATE_HEADER = /^(duplicate symbol '?.+?'? in):$/;
const REFERENCED_FROM = /^\s+"?(.+?)"?, referenced from:$/;
const INDENTED = /^\s+\S/;

// Enough referrers to find the culprit; the count covers the rest.
const MAX_REFERRERS = 5;

interface OpenSymbol {
  name: string;
  referrers: string[];
  more: number;
}

/** Gathers one multi-line linker block and reports a message per symbol. */
export class LinkerBlock {
  readonly #header: string;
  readonly #duplicate: boolean;
  readonly #report: (message: string) => void;
  #symbol: OpenSymbol | null = null;
  #reported = false;

  /** Opens a block when `line` is a block header, else returns undefined. */
  static start(line: string, report: (message: string) => void): LinkerBlock | undefined {
    const undefinedSymbols = UNDEFINED_HEADER.exec(line);
    if (undefinedSymbols !== null) return new LinkerBlock(undefinedSymbols[1]!, false, report);

    const duplicate = DUPLICATE_HEADER.exec(line);
    if (duplicate !== null) return new LinkerBlock(duplicate[1]!, true, report);

    return undefined;
  }

  private constructor(header: string, duplicate: boolean, report: (message: string) => void) {
    this.#header = header;
    this.#duplicate = duplicate;
    this.#report = report;
    if (duplicate) this.#symbol = { name: header, referrers: [], more: 0 };
  }

  /** Takes `line` if it belongs to the block; false means the block has ended. */
  push(line: string): boolean {
    if (!INDENTED.test(line)) return false;

    const symbol = this.#duplicate ? null : REFERENCED_FROM.exec(line);
    if (symbol !== null) {
      this.#flushSymbol();
      this.#symbol = { name: symbol[1]!, referrers: [], more: 0 };
      return true;
    }

    const open = this.#symbol;
    if (open !== null) {
      if (open.referrers.length < MAX_REFERRERS) open.referrers.push(line.trim());
      else open.more += 1;
    }
    return true;
  }

  finish(): void {
    this.#flushSymbol();
    if (!this.#reported) this.#report(this.#header);
  }

  #flushSymbol(): void {
    const open = this.#symbol;
    if (open === null) return;
    this.#symbol = null;

    let list = open.referrers.join(', ');
    if (open.more > 0) list += ` and ${open.more} more`;

    if (this.#duplicate) {
      if (list === '') return;
      this.#report(`${this.#header}: ${list}`);
    } else {
      const from = list === '' ? '' : `, referenced from: ${list}`;
      this.#report(`Undefined symbol: ${open.name}${from}`);
    }
    this.#reported = true;
  }
}
