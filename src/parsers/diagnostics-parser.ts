import { createHash } from 'node:crypto';
import type { IssueType } from '../model/records.ts';
import { parseBuildStep, type BuildStep } from './build-step.ts';
import { cleanLine } from './clean-line.ts';
import { parseDiagnostic, type Diagnostic } from './diagnostic-line.ts';
import type { RecordEmitter } from './emitter.ts';
import { clip } from './limits.ts';
import { LinkerBlock } from './linker-block.ts';

export interface DiagnosticsParserConfig {
  /** Category of issues whose line and step say nothing better. Default 'Compile'. */
  category?: string;
}

// xcodebuild closes a failed run by listing again what failed, in another form:
// the lines below these headers repeat earlier diagnostics or name commands.
const SUMMARY_HEADER = /^(?:The following build commands failed:|Testing failed:|Failing tests:)$/;
const SUMMARY_BODY = /^\s+\S|^\(\d+ failures?\)$/;
// Source excerpts under a diagnostic: gcc/clang `  10 |   int x;` and `     |   ^`,
// swiftc's `12 |     foo()` and `   | `- error: ...`.
const SNIPPET = /^\s*\d*\s*\|/;
const CLANG_FLAG = /\[-W[^\]]*\]$/;
// The clang static analyzer's checker packages, as in `[core.NullDereference]`.
const CHECKER_PACKAGES = [
  'alpha',
  'apiModeling',
  'core',
  'cplusplus',
  'deadcode',
  'debug',
  'fuchsia',
  'llvm',
  'nullability',
  'optin',
  'osx',
  'security',
  'unix',
  'valist',
  'webkit',
];
const ANALYZER_CHECKER = new RegExp(String.raw`\[(?:${CHECKER_PACKAGES.join('|')})(?:\.\w+)+\]$`);
const TARGET_SUFFIX = / \(in target '[^']*' from project '[^']*'\)$/;

/**
 * Reads compiler, linker and build-tool diagnostics (clang, swiftc, gcc, ld,
 * xcodebuild, SwiftPM) from output lines and emits each as an issue, once.
 *
 * Warnings become ANALYZER_WARNING when they carry a clang static analyzer
 * checker name (`[core.NullDereference]`), or when they appear inside an
 * xcodebuild `Analyze`/`AnalyzeShallow` step without a compiler `[-W…]` flag.
 * The same type, file, line and message is reported only the first time, so
 * xcodebuild's closing repeat of a diagnostic adds nothing.
 *
 * @example
 * const parser = new DiagnosticsParser(emitter, { category: 'Compile' });
 * for (const line of lines) parser.push(line);
 * parser.end();
 */
export class DiagnosticsParser {
  readonly #emit: RecordEmitter;
  readonly #category: string;
  // Hashes, so a long-running log with many distinct issues stays small.
  readonly #seen = new Set<string>();
  #step: BuildStep | null = null;
  #linker: LinkerBlock | null = null;
  #inSummary = false;

  constructor(emit: RecordEmitter, options: DiagnosticsParserConfig = {}) {
    this.#emit = emit;
    this.#category = options.category ?? 'Compile';
  }

  push(rawLine: string): void {
    const line = cleanLine(rawLine);

    if (this.#linker !== null) {
      if (this.#linker.push(line)) return;
      this.#closeLinkerBlock();
    }
    if (this.#inSummary) {
      if (SUMMARY_BODY.test(line)) return;
      this.#inSummary = false;
    }
    if (line.trim() === '') return;

    if (SUMMARY_HEADER.test(line)) {
      this.#inSummary = true;
      return;
    }

    const step = parseBuildStep(line);
    if (step !== undefined) {
      this.#step = step;
      return;
    }
    if (SNIPPET.test(line)) return;

    const block = LinkerBlock.start(line, (message) => {
      this.#report({ severity: 'error', fileSource: null, message, category: 'Link' });
    });
    if (block !== undefined) {
      this.#linker = block;
      return;
    }

    const diagnostic = parseDiagnostic(line);
    if (diagnostic !== undefined) this.#report(diagnostic);
  }

  end(): void {
    this.#closeLinkerBlock();
    this.#inSummary = false;
  }

  #closeLinkerBlock(): void {
    const block = this.#linker;
    this.#linker = null;
    block?.finish();
  }

  #report(diagnostic: Diagnostic): void {
    const { fileSource, message } = diagnostic;

    let issueType: IssueType = diagnostic.severity === 'error' ? 'ERROR' : 'WARNING';
    if (issueType === 'WARNING' && this.#isAnalyzerWarning(message)) issueType = 'ANALYZER_WARNING';

    const key = [
      issueType,
      fileSource?.path ?? '',
      fileSource?.lineNumber ?? '',
      message.replace(TARGET_SUFFIX, '').replace(/\s+/g, ' '),
    ].join('\0');
    const digest = createHash('sha1').update(key).digest('base64');
    if (this.#seen.has(digest)) return;
    this.#seen.add(digest);

    const category =
      diagnostic.category ??
      (issueType === 'ANALYZER_WARNING' ? 'Analyze' : null) ??
      this.#step?.category ??
      this.#category;

    this.#emit.issue({ issueType, message: clip(message), fileSource, category });
  }

  #isAnalyzerWarning(message: string): boolean {
    if (ANALYZER_CHECKER.test(message)) return true;
    return this.#step?.analyze === true && !CLANG_FLAG.test(message);
  }
}
