/**
 * Runners that have been seen: what each offers (xcodebuild, Xcode and macOS
 * versions) and when it last asked for work. The server reads it to say why
 * a run waits, and to list the runners.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, RunnerTable } from './schema.ts';

export type RunnerRow = Selectable<RunnerTable>;

export interface RunnerReport {
  id: string;
  name: string;
  mode: 'local' | 'store' | 'http';
  slots: number;
  hasXcodebuild: boolean;
  xcodeVersion: string | null;
  macosVersion: string | null;
}

export class RunnerRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Records a runner and what it offers; a second report of the same id replaces the first. */
  async report(runner: RunnerReport, now = new Date()): Promise<void> {
    const at = now.toISOString();
    const values = {
      name: runner.name,
      mode: runner.mode,
      slots: runner.slots,
      has_xcodebuild: runner.hasXcodebuild ? 1 : 0,
      xcode_version: runner.xcodeVersion,
      macos_version: runner.macosVersion,
      last_seen_at: at,
    };
    await this.#db
      .insertInto('runners')
      .values({ id: runner.id, started_at: at, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }

  async seen(id: string, now = new Date()): Promise<void> {
    await this.#db
      .updateTable('runners')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Runners seen since `since`, most recent first. */
  live(since: Date): Promise<RunnerRow[]> {
    return this.#db
      .selectFrom('runners')
      .selectAll()
      .where('last_seen_at', '>=', since.toISOString())
      .orderBy('last_seen_at', 'desc')
      .execute();
  }
}
