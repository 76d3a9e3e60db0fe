/**
 * Opaque paging cursors: the position after the last row of a page, and a tag
 * of the order it was taken in (the operation and its `sort`). A position
 * means nothing in another order, so a cursor is accepted only with the order
 * it came from. They are base64url JSON so that they survive any URL
 * handling, and are checked on the way back in because clients can send
 * anything.
 */
import { createHash } from 'node:crypto';

export type Position = [string | number, string];

/* A short digest: it tells orders apart; it is not meant to keep a secret. */
function orderTag(order: string): string {
  return createHash('sha256').update(order).digest('base64url').slice(0, 8);
}

/**
 * @example
 * encodeCursor([318, '5e1b9f5c'], 'GET /v1/ciWorkflows/{id}/buildRuns -number');
 */
export function encodeCursor(position: Position, order: string): string {
  return Buffer.from(JSON.stringify([orderTag(order), ...position])).toString('base64url');
}

/** The position a cursor holds, or null when it is not one of ours for this order. */
export function decodeCursor(cursor: string, order: string): Position | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [tag, sortValue, id] = value as unknown[];
    if (tag !== orderTag(order)) return null;
    const sortable =
      typeof sortValue === 'string' || (Number.isSafeInteger(sortValue) && Number(sortValue) >= 0);
    if (!sortable || typeof id !== 'string' || id === '') return null;
    return [sortValue as string | number, id];
  } catch {
    // falls through: not a cursor of ours
  }
  return null;
}
