/** Longest line LineSplitter hands on, in UTF-8 bytes. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Longest message a parser puts in one record, in characters. */
export const MAX_MESSAGE_CHARS = 8 * 1024;

/** Continuation lines a multi-line failure message may gather. */
export const MAX_CONTINUATION_LINES = 50;

/** Distinct failures kept per test; the rest only add to a count. */
export const MAX_FAILURES_PER_TEST = 20;

export function clip(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
