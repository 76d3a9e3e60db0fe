/**
 * Writes the contract declares that this server answers with 403 today: products and
 * workflows come from the products file. Remove an entry once the write is served; the
 * write-surface and OpenAPI tests then expect it to succeed and to be documented.
 */
export const NOT_SERVED_YET: ReadonlySet<string> = new Set([]);
