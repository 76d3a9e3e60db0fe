import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DiagnosticsParser } from '../../parsers/diagnostics-parser.ts';
import { TestOutputParser } from '../../parsers/test-output-parser.ts';
import type { RecordTally } from './record-tally.ts';
import { runProcess } from './run-process.ts';
import { shellQuote } from './shell-quote.ts';
import type { ActionSink, ActionStep } from './types.ts';

export interface StepSpec {
  step: ActionStep;
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Feed the output to the diagnostics and test parsers, with this fallback category. */
  parse?: { category?: string };
  /** What the log announces before the command line, e.g. "Running ci_post_clone.sh". */
  title?: string;
  /** Rewrites every line of the step, its own output and the system lines, before the sink. */
  mask?: (text: string) => string;
}

interface LineParser {
  push(line: string): void;
  end(): void;
}

export interface StepResult {
  /**
   * The exit status as a shell reports it, 128 + n for a process ended by
   * signal n; null when the process never started or the step was canceled.
   */
  exitCode: number | null;
  canceled: boolean;
  startError: Error | null;
  /**
   * The stderr line that best says what went wrong, to quote in a failure
   * reason: the first `fatal:` or `error:` line, else the last line.
   */
  errorLine: string | null;
}

/**
 * Runs the processes of an action's steps: announces each in the log,
 * streams its output to the sink (and through the parsers), and closes it
 * with its exit status and how long it took.
 */
export class StepRunner {
  readonly #sink: ActionSink;
  readonly #tally: RecordTally;
  readonly #signal: AbortSignal;

  constructor(sink: ActionSink, tally: RecordTally, signal: AbortSignal) {
    this.#sink = sink;
    this.#tally = tally;
    this.#signal = signal;
  }

  system(step: ActionStep, text: string): void {
    this.#sink.line(step, 'system', text);
  }

  async run(spec: StepSpec): Promise<StepResult> {
    // Prepare: announce the step and set up its parsers.
    const mask = spec.mask ?? ((text: string) => text);
    const system = (text: string) => this.system(spec.step, mask(text));
    if (spec.title !== undefined) system(spec.title);
    system(`$ ${shellQuote(spec.argv)}`);
    const parsers = spec.parse === undefined ? [] : this.#parsers(spec.cwd, spec.parse.category);
    let lastErrorLine: string | null = null;
    let firstFatalLine: string | null = null;
    const startedAt = performance.now();

    // Run, tail and wait.
    const result = await runProcess({
      argv: spec.argv,
      cwd: spec.cwd,
      env: spec.env,
      signal: this.#signal,
      onLine: (stream, raw) => {
        const text = mask(raw);
        this.#sink.line(spec.step, stream, text);
        for (const parser of parsers) parser.push(text);
        if (stream !== 'stderr' || text.trim() === '') return;
        lastErrorLine = text.trim();
        if (firstFatalLine === null && /^(?:fatal|error):/i.test(lastErrorLine)) {
          firstFatalLine = lastErrorLine;
        }
      },
    });

    // Clean up: flush what the parsers still hold and log how it ended.
    for (const parser of parsers) parser.end();
    const elapsed = formatSeconds(performance.now() - startedAt);
    const errorLine = firstFatalLine ?? lastErrorLine;
    const { startError } = result;
    if (startError !== null) {
      system(`could not start: ${startError.message}`);
      return { exitCode: null, canceled: result.canceled, startError, errorLine };
    }
    if (result.canceled) {
      system(`canceled after ${elapsed}`);
      return { exitCode: null, canceled: true, startError: null, errorLine };
    }
    if (result.exitSignal !== null) {
      system(`ended by ${result.exitSignal} after ${elapsed}`);
      const exitCode = 128 + (constants.signals[result.exitSignal] ?? 0);
      return { exitCode, canceled: false, startError: null, errorLine };
    }
    system(`exited with ${result.exitCode} after ${elapsed}`);
    return { exitCode: result.exitCode, canceled: false, startError: null, errorLine };
  }

  #parsers(cwd: string, category: string | undefined): LineParser[] {
    const emit = this.#tally.emitterFor(cwd);
    const diagnostics = new DiagnosticsParser(emit, category === undefined ? {} : { category });
    return [diagnostics, new TestOutputParser(emit)];
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
