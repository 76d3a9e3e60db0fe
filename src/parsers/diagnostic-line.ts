import type { FileLocation } from '../model/records.ts';
import { commandCategory } from './build-step.ts';

/** One compiler, linker or tool diagnostic read from a single line. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  fileSource: FileLocation | null;
  message: string;
  /** Set when the line itself names the phase, e.g. a linker message. */
  category: string | null;
}

// `path:line:col: severity: message` (clang, swiftc, gcc) and `path:line: severity:`.
// The lazy path stops at the first `:<digits>:` followed by a severity, so paths may
// hold spaces and messages may hold colons.
const LOCATED = /^(\S.*?):(\d+):(?:\d+:)? (fatal error|error|warning|note|remark): (.*)$/;
// `prefix: severity: message`, where the prefix is a tool name or a file without a line.
const PREFIXED = /^(\S.*?): (fatal error|error|warning|note|remark): (.*)$/;
const BARE = /^(fatal error|error|warning): (.*)$/;
const LINKER = /^(?:\S*\/)?(?:ld|ld64|ld64\.lld|ld\.lld|ld\.gold|ld\.bfd|lld): (.*)$/;
// GNU ld without its own prefix: `main.c:(.text+0x1a): undefined reference to `foo'`.
const GNU_LINK_ERROR = /^\S.*?:\([^)]*\): (?:undefined reference to|multiple definition of) /;
const GNU_LINK_HINT = /\): (?:undefined reference to|multiple definition of) /;
const GNU_LINK_CONTEXT = /: in function `[^']*':$|^\s/;
const FAILED_COMMAND = /^Command (\S+) failed with a nonzero exit code$/;

// XCTest prints assertion failures in the compiler's format; those belong to the
// test parser, which reports them as TEST_FAILURE.
const XCTEST_FAILURE = /^(?:[-+]\[[^\]]+\]|\w+(?:[./]\w+)+) : /;

const TOOL_NAME = new RegExp(
  String.raw`^(?:clang(?:\+\+)?|gcc|g\+\+|cc|c\+\+|cc1(?:plus|obj|objplus)?|collect2|` +
    String.raw`swift|swiftc|swift-frontend|swift-driver|swift-build|xcodebuild|` +
    String.raw`ibtool|actool|libtool|lipo|codesign|ld|lld)(?:-[\d.]+)?$`,
);
const SINGLE_TOKEN = /^[\w.+-]+$/;

const LINK_MESSAGE = new RegExp(
  [
    String.raw`linker command failed`,
    String.raw`ld returned \d+ exit status`,
    String.raw`symbol\(s\) not found`,
    String.raw`undefined symbols?\b`,
    String.raw`duplicate symbols?\b`,
    String.raw`(?:library|framework) not found`,
    String.raw`library '[^']*' not found`,
    String.raw`undefined reference to`,
  ].join('|'),
  'i',
);

/** Reads a diagnostic from one cleaned line, or returns undefined when there is none. */
export function parseDiagnostic(line: string): Diagnostic | undefined {
  const located = LOCATED.exec(line);
  if (located !== null) {
    const [, path, lineNumber, severity, message] = located as unknown as string[];
    if (XCTEST_FAILURE.test(message!)) return undefined;
    // `<unknown>:0:`, `<stdin>:1:`, `<built-in>:1:` name no real file.
    const fileSource = path!.startsWith('<')
      ? null
      : { path: path!, lineNumber: Number(lineNumber) };
    return make(severity!, fileSource, message!);
  }

  const linker = LINKER.exec(line);
  if (linker !== null) return linkerDiagnostic(linker[1]!);

  const prefixed = PREFIXED.exec(line);
  if (prefixed !== null) {
    const [, prefix, severity, message] = prefixed as unknown as string[];
    if (isFilePath(prefix!)) return make(severity!, { path: prefix!, lineNumber: null }, message!);
    if (SINGLE_TOKEN.test(prefix!) || TOOL_NAME.test(basename(prefix!))) {
      return make(severity!, null, message!);
    }
    return undefined;
  }

  const bare = BARE.exec(line);
  if (bare !== null) return make(bare[1]!, null, bare[2]!);

  if (FAILED_COMMAND.test(line)) return make('error', null, line);
  // The substring test keeps the regex off lines it could only backtrack through.
  if (GNU_LINK_HINT.test(line) && GNU_LINK_ERROR.test(line)) return make('error', null, line);

  return undefined;
}

function linkerDiagnostic(rest: string): Diagnostic | undefined {
  if (GNU_LINK_CONTEXT.test(rest) || rest.startsWith('note: ')) return undefined;

  const severity = /^(warning|error|fatal error): /.exec(rest);
  if (severity === null) {
    return { severity: 'error', fileSource: null, message: rest, category: 'Link' };
  }

  const message = rest.slice(severity[0].length);
  const level = severity[1] === 'warning' ? 'warning' : 'error';
  return { severity: level, fileSource: null, message, category: 'Link' };
}

function make(
  severity: string,
  fileSource: FileLocation | null,
  text: string,
): Diagnostic | undefined {
  if (severity === 'note' || severity === 'remark') return undefined;

  const message = text.trim();
  if (message === '') return undefined;

  const level = severity === 'warning' ? 'warning' : 'error';
  return { severity: level, fileSource, message, category: categoryOf(message) };
}

function categoryOf(message: string): string | null {
  const command = FAILED_COMMAND.exec(message);
  if (command !== null) return commandCategory(command[1]!);
  return LINK_MESSAGE.test(message) ? 'Link' : null;
}

function isFilePath(prefix: string): boolean {
  if (TOOL_NAME.test(basename(prefix))) return false;
  return prefix.includes('/') || prefix.includes('\\') || /\.\w+$/.test(prefix);
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
