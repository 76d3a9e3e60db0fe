/**
 * Runners as the queue sees them: how each reaches the runs, how many it
 * performs at once, and when it last asked for work. What Xcode and macOS a
 * runner has is reported through the toolchain repository, into the same rows.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, RunnerTable } from './schema.ts';

export type RunnerRow = Selectable<RunnerTable>;

export class RunnerRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Sets how a runner (already reported through the toolchain repository) works. */
  async describe(id: string, mode: 'local' | 'store' | 'http', slots: number): Promise<void> {
    await this.#db
      .updateTable('runners')
      .set({ mode, slots, last_seen: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async seen(id: string, now = new Date()): Promise<void> {
    await this.#db
      .updateTable('runners')
      .set({ last_seen: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Runners seen since `since`, most recent first. */
  live(since: Date): Promise<RunnerRow[]> {
    return this.#db
      .selectFrom('runners')
      .selectAll()
      .where('last_seen', '>=', since.toISOString())
      .orderBy('last_seen', 'desc')
      .execute();
  }
}
