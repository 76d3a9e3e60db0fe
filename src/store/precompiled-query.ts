/**
 * A query compiled to SQL once and then run with new parameter values. Kysely
 * builds and compiles a query's operation tree on every call, which costs more
 * than running the small indexed lookups every API request makes; compiled
 * once, such a lookup only swaps its parameters. The SQL comes from the
 * database's own dialect, so one precompiled query serves SQLite and
 * PostgreSQL alike.
 *
 * The query is built once with marker values standing in for the parameters;
 * each marker must come out of compilation as exactly one bound parameter,
 * which is then replaced by the value given on each run.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';

// The NUL keeps a marker apart from any constant the query itself binds.
const MARKER = '\u0000precompiled-parameter-';

export class PrecompiledQuery<Row> {
  readonly #db: Kysely<any>;
  readonly #compiled: CompiledQuery<Row>;
  /** Where in the bound parameters each value given to `execute` goes. */
  readonly #slots: readonly number[];

  /**
   * @example
   * const byId = new PrecompiledQuery(db, (id) =>
   *   db.selectFrom('products').selectAll().where('id', '=', id),
   * );
   * const rows = await byId.execute(productId);
   */
  constructor(db: Kysely<any>, build: (...params: string[]) => Compilable<Row>) {
    const markers = Array.from({ length: build.length }, (_, i) => `${MARKER}${i}`);
    const compiled = build(...markers).compile();
    const slots = markers.map((marker) => {
      const at = compiled.parameters.indexOf(marker);
      if (at === -1 || compiled.parameters.lastIndexOf(marker) !== at) {
        throw new Error(`a precompiled query must bind each parameter once: ${compiled.sql}`);
      }
      return at;
    });
    this.#db = db;
    this.#compiled = compiled;
    this.#slots = slots;
  }

  /** Runs the query with `values` in place of the parameters, in the order `build` took them. */
  async execute(...values: readonly unknown[]): Promise<Row[]> {
    const compiled = this.#compiled;
    const parameters = compiled.parameters.slice();
    for (let i = 0; i < this.#slots.length; i++) parameters[this.#slots[i]!] = values[i];
    const result = await this.#db.executeQuery<Row>({
      query: compiled.query,
      queryId: compiled.queryId,
      sql: compiled.sql,
      parameters,
    });
    return result.rows;
  }
}
