/**
 * Tells a lost or refused PostgreSQL connection apart from other failures, so
 * that the API can answer "try again" rather than "the server is broken".
 */

// SQLSTATE classes and codes meaning the server is unreachable or going away:
// 08 connection exception, 57P01-57P03 shutdown or start-up in progress.
const unavailableStates = /^(08|57P0[1-3]|53300)/;
const unavailableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const lostConnectionMessages = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'not queryable',
  ].join('|'),
);

export function isConnectionError(error: unknown): boolean {
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableErrnos.has(code) || unavailableStates.test(code)))
      return true;
    const message = (e as { message?: unknown }).message;
    // pg reports a socket closed under it, or a pool wait that timed out, by message only.
    if (typeof message === 'string' && lostConnectionMessages.test(message)) return true;
  }
  return false;
}

/** A short reason for a failed connection: the system's code or the server's message. */
export function describeConnectionError(error: unknown): string {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'host not found';
  if (e.code === '3D000') return 'the database does not exist';
  if (e.code === '28000' || e.code === '28P01') return `authentication failed (${e.message})`;
  // An AggregateError (one per address tried) carries the codes in its parts.
  if (Array.isArray(e.errors) && e.errors.length > 0) return describeConnectionError(e.errors[0]);
  return e.message || String(error);
}

function* chain(error: unknown): Generator<unknown> {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    yield e;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) yield* errors;
    e = (e as { cause?: unknown }).cause;
  }
}
