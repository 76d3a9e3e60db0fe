/**
 * The store could not be opened: the database is unreachable, refuses the
 * connection, or a migration failed. The message says which, and how to fix it.
 */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}
