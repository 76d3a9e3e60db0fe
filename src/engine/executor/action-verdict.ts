import type { RecordTally } from './record-tally.ts';
import type { ActionOutcome, ActionSink } from './types.ts';
import { RunnerShutdown } from './runner-shutdown.ts';
import { TimeLimitExceeded } from './time-limit.ts';

export interface FailureOptions {
  /** Category of the ERROR issue; null when no build phase fits. */
  category?: string | null;
  /**
   * The parsers' failure count when the failing step started. The ERROR
   * issue is then only raised if the parsers report no error or test
   * failure of their own by the end of the action: "xcodebuild exited with
   * 65" says nothing a compile error or a failed test has not said.
   */
  unlessExplainedAfter?: number;
}

const CANCELED = 'the action was canceled';

interface Pending {
  message: string;
  category: string | null;
  baseline: number;
}

/**
 * Collects why an action did not succeed. The first cause gives the
 * outcome's status and reason; every cause becomes an ERROR issue.
 * Cancellation outranks everything else.
 */
export class ActionVerdict {
  readonly #sink: ActionSink;
  readonly #tally: RecordTally;
  #first: { status: 'FAILED' | 'ERRORED'; reason: string } | null = null;
  #canceled = false;
  #timeLimit: string | null = null;
  readonly #pending: Pending[] = [];

  constructor(sink: ActionSink, tally: RecordTally) {
    this.#sink = sink;
    this.#tally = tally;
  }

  /** Whether the action should stop: it was canceled, or broke beyond going on. */
  get stopped(): boolean {
    return this.#canceled || this.#first !== null;
  }

  get canceled(): boolean {
    return this.#canceled;
  }

  fail(status: 'FAILED' | 'ERRORED', reason: string, options: FailureOptions = {}): void {
    this.#first ??= { status, reason };
    const category = options.category ?? null;
    if (options.unlessExplainedAfter === undefined) this.#raise(reason, category);
    else this.#pending.push({ message: reason, category, baseline: options.unlessExplainedAfter });
  }

  /** A failure whose issues the parsers already raised, e.g. a failed test. */
  failSilently(reason: string): void {
    this.#first ??= { status: 'FAILED', reason };
  }

  /**
   * The action's signal fired. With a TimeLimitExceeded reason the action
   * ran too long, with a RunnerShutdown its machine stopped: both end
   * ERRORED. Otherwise someone canceled it.
   */
  cancel(reason?: unknown): void {
    if (this.#canceled) return;
    this.#canceled = true;
    if (reason instanceof TimeLimitExceeded || reason instanceof RunnerShutdown) {
      this.#timeLimit = reason.message;
    }
    this.#raise(this.#timeLimit ?? CANCELED, null);
  }

  outcome(toolExitCode: number | null): ActionOutcome {
    for (const pending of this.#pending.splice(0)) {
      if (this.#tally.failures === pending.baseline) this.#raise(pending.message, pending.category);
    }
    if (this.#timeLimit !== null) {
      return { status: 'ERRORED', toolExitCode, reason: this.#timeLimit };
    }
    if (this.#canceled) return { status: 'CANCELED', toolExitCode, reason: CANCELED };
    if (this.#first === null) return { status: 'SUCCEEDED', toolExitCode, reason: null };
    return { status: this.#first.status, toolExitCode, reason: this.#first.reason };
  }

  #raise(message: string, category: string | null): void {
    this.#sink.issue({ issueType: 'ERROR', message, fileSource: null, category });
  }
}
