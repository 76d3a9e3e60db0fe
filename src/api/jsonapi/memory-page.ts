/** Keyset paging over rows already in memory, ordered by id (for small derived lists). */
import type { Page, PageRequest } from '../../store/keyset-page.ts';

export function memoryPage<Row extends { id: string }>(
  rows: readonly Row[],
  request: PageRequest,
): Page<Row> {
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = request.after?.[1];
  const rest = after === undefined ? sorted : sorted.filter((r) => r.id > after);
  const page = rest.slice(0, request.limit);
  const last = page[page.length - 1];
  const next =
    rest.length > request.limit && last ? ([last.id, last.id] as [string, string]) : null;
  return { rows: page, total: sorted.length, next };
}
