/** How the CLI prints: aligned tables, short dates and durations, JSON, ids. */

export interface Output {
  json: boolean;
  quiet: boolean;
  /** A line on stdout. */
  line(text?: string): void;
  /** A line on stderr: progress and notices, kept apart from results. */
  note(text: string): void;
}

export function createOutput(flags: { json?: boolean; quiet?: boolean }): Output {
  return {
    json: !!flags.json,
    quiet: !!flags.quiet,
    line: (text = '') => process.stdout.write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
  };
}

/** Columns padded to their widest cell; the last column is left ragged. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : (cell ?? '').padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(headers), ...rows.map(format)].join('\n');
}

/** Prints resources as the chosen form: JSON, ids, or a table built by `toRow`. */
export function printList<R extends { id: string }>(
  out: Output,
  items: readonly R[],
  headers: readonly string[],
  toRow: (item: R) => string[],
  empty = 'nothing to show',
): void {
  if (out.json) return out.line(JSON.stringify(items, null, 2));
  if (out.quiet) return items.forEach((item) => out.line(item.id));
  if (items.length === 0) return out.note(empty);
  out.line(table(headers, items.map(toRow)));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-02 09:14:41` in the local time zone, or `-`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** `0.8s`, `42s`, `3m 05s`, `2h 01m`. */
export function formatDuration(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/** How long something ran: start to finish, or start to now while it runs. */
export function elapsed(
  started: string | null | undefined,
  finished: string | null | undefined,
  now = Date.now(),
): string {
  if (!started) return '-';
  const end = finished ? Date.parse(finished) : now;
  return formatDuration(end - Date.parse(started));
}

/** `COMPLETE` runs by their outcome, others by their progress. */
export function statusOf(
  attributes:
    | {
        executionProgress?: string | null;
        completionStatus?: string | null;
      }
    | null
    | undefined,
): string {
  return attributes?.completionStatus ?? attributes?.executionProgress ?? '-';
}

/** `1 error, 2 warnings, 1 test failure`, or `no issues`. */
export function describeIssues(
  counts:
    | {
        errors?: number | null;
        warnings?: number | null;
        analyzerWarnings?: number | null;
        testFailures?: number | null;
      }
    | null
    | undefined,
): string {
  if (!counts) return '-';
  const parts = [
    [counts.errors, 'error'],
    [counts.testFailures, 'test failure'],
    [counts.warnings, 'warning'],
    [counts.analyzerWarnings, 'analyzer warning'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, word]) => `${n} ${word}${n === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no issues';
}

/** `e/w/tf` counts in a narrow column. */
export function shortIssues(
  counts:
    | { errors?: number | null; warnings?: number | null; testFailures?: number | null }
    | null
    | undefined,
): string {
  if (!counts) return '-';
  return `${counts.errors ?? 0}E ${counts.warnings ?? 0}W ${counts.testFailures ?? 0}TF`;
}

export function firstLine(text: string | null | undefined, max = 100): string {
  const line = (text ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
