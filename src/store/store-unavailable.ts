/**
 * Whether a store failure is passing (the database is unreachable, restarting,
 * or busy past the lock timeout) rather than a fault in Stratus: the API
 * answers the former with 503 and the request may be retried.
 */
import { isConnectionError } from './dialect/postgres/connection-error.ts';

export function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_BUSY') return true;
  return isConnectionError(error);
}
