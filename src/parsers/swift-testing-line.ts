import type { FileLocation } from '../model/records.ts';

export type SwiftTestingLine =
  | { kind: 'suite-started' | 'suite-ended'; suite: string }
  | { kind: 'started'; test: string }
  | {
      kind: 'finished';
      test: string;
      status: 'SUCCESS' | 'FAILURE' | 'EXPECTED_FAILURE';
      duration: number | null;
    }
  | { kind: 'skipped'; test: string; reason: string | null }
  | {
      kind: 'issue';
      test: string;
      known: boolean;
      message: string;
      fileSource: FileLocation | null;
    }
  | { kind: 'detail'; text: string }
  | { kind: 'other' };

// Each line opens with a symbol: ◇ ✔ ✘ ➜ ↳ ± ━ on macOS and Linux, ◊ √ × - → on
// Windows, private-use SF Symbols characters under Xcode. Only the words after it
// are read, so any of these (or a plain ASCII stand-in) works.
const SYMBOL = /^([^\s\w]{1,4}) +(.*)$/u;
// With colour on, tag dots (●) precede the name.
const TAG_DOTS = /^●+ /;
// A display name is printed in quotes and may hold anything; a function name has no spaces.
const NAME = String.raw`(".*?"|\S+)`;

const STARTED = new RegExp(String.raw`^(Test|Suite) ${NAME} started\.$`);
const ENDED = new RegExp(
  String.raw`^(Test|Suite) ${NAME} (passed|failed) after (\d+(?:\.\d+)?) seconds?` +
    String.raw`(?: with (.*))?\.$`,
);
const SKIPPED = new RegExp(String.raw`^(Test|Suite) ${NAME} skipped(?:: "(.*)"|\.)?$`);
const ISSUE = new RegExp(
  String.raw`^Test ${NAME} recorded an? (known )?issue` +
    String.raw`(?: with \d+ arguments? .*?)?(?: at (.+?):(\d+):\d+)?: (.*)$`,
);
const RUN = /^(?:Test run started\.|Test run with \d+ tests?\b|Passing \d+ arguments? )/;

/** Reads one cleaned line of Swift Testing's console output. */
export function parseSwiftTestingLine(line: string): SwiftTestingLine | undefined {
  const symbol = SYMBOL.exec(line);
  if (symbol === null) return undefined;
  const body = symbol[2]!.replace(TAG_DOTS, '');

  if (RUN.test(body)) return { kind: 'other' };

  let match = STARTED.exec(body);
  if (match !== null) {
    const name = unquote(match[2]!);
    if (match[1] === 'Suite') return { kind: 'suite-started', suite: name };
    return { kind: 'started', test: name };
  }

  match = ENDED.exec(body);
  if (match !== null) {
    const name = unquote(match[2]!);
    if (match[1] === 'Suite') return { kind: 'suite-ended', suite: name };

    // Passing with only known issues is Swift Testing's expected failure.
    const knownIssues = /known issue/.test(match[5] ?? '');
    const status = match[3] === 'failed' ? 'FAILURE' : knownIssues ? 'EXPECTED_FAILURE' : 'SUCCESS';
    return { kind: 'finished', test: name, status, duration: Number(match[4]) };
  }

  match = SKIPPED.exec(body);
  if (match !== null) {
    const name = unquote(match[2]!);
    if (match[1] === 'Suite') return { kind: 'suite-ended', suite: name };
    return { kind: 'skipped', test: name, reason: match[3] ?? null };
  }

  match = ISSUE.exec(body);
  if (match !== null) {
    const path = match[3];
    const fileSource = path === undefined ? null : { path, lineNumber: Number(match[4]) };
    const known = match[2] !== undefined;
    return { kind: 'issue', test: unquote(match[1]!), known, message: match[5]!, fileSource };
  }

  return { kind: 'detail', text: body };
}

function unquote(name: string): string {
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
}
