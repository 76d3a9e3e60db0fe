/**
 * The Xcode and macOS versions build machines report, the runners that
 * reported them, and which Xcode runs on which macOS. ciXcodeVersions and
 * ciMacOsVersions are read from here.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MacOsVersionTable, RunnerTable, XcodeVersionTable } from './schema.ts';
import { keysetPage, type Page, type PageRequest } from './keyset-page.ts';
import type { DetectedToolchain } from '../engine/toolchain/detect-toolchain.ts';

export type XcodeVersionRow = Selectable<XcodeVersionTable>;
export type MacOsVersionRow = Selectable<MacOsVersionTable>;
export type RunnerRow = Selectable<RunnerTable>;

export class ToolchainRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * Records what one runner has now. Call it when a runner starts (and
   * whenever its tools may have changed); versions stay listed after the
   * runner goes, with the runner and time of the last report.
   *
   * @param runner a stable id per machine (e.g. `local-<hostname>`) and a name for people
   * @param toolchain what `detectToolchain()` found on that machine
   */
  async report(runner: { id: string; name: string }, toolchain: DetectedToolchain): Promise<void> {
    const now = new Date().toISOString();
    const { xcode, macOs } = toolchain;
    await this.#db.transaction().execute(async (tx) => {
      const seen = { name: runner.name, last_seen: now, has_xcode: xcode ? 1 : 0 };
      await tx
        .insertInto('runners')
        .values({ id: runner.id, ...seen })
        .onConflict((oc) => oc.column('id').doUpdateSet(seen))
        .execute();
      const reported = { reported_by: runner.id, reported_at: now };
      if (macOs) {
        const values = { name: macOs.name, ...reported };
        await tx
          .insertInto('macos_versions')
          .values({ id: macOs.id, ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet(values))
          .execute();
      }
      if (xcode) {
        const values = {
          name: xcode.name,
          test_destinations: JSON.stringify(xcode.testDestinations),
          ...reported,
        };
        await tx
          .insertInto('xcode_versions')
          .values({ id: xcode.id, ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet(values))
          .execute();
      }
      if (xcode && macOs) {
        await tx
          .insertInto('xcode_macos_versions')
          .values({ xcode_version_id: xcode.id, macos_version_id: macOs.id })
          .onConflict((oc) => oc.columns(['xcode_version_id', 'macos_version_id']).doNothing())
          .execute();
      }
    });
  }

  runners(): Promise<RunnerRow[]> {
    return this.#db.selectFrom('runners').selectAll().orderBy('id').execute();
  }

  xcodeVersions(ids: readonly string[]): Promise<XcodeVersionRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db.selectFrom('xcode_versions').selectAll().where('id', 'in', ids).execute();
  }

  macOsVersions(ids: readonly string[]): Promise<MacOsVersionRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db.selectFrom('macos_versions').selectAll().where('id', 'in', ids).execute();
  }

  async compatible(xcodeVersionId: string, macOsVersionId: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('xcode_macos_versions')
      .select('xcode_version_id')
      .where('xcode_version_id', '=', xcodeVersionId)
      .where('macos_version_id', '=', macOsVersionId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Xcode versions, all or those that run on one macOS version. */
  listXcodeVersions(
    macOsVersionId: string | null,
    page: PageRequest,
  ): Promise<Page<XcodeVersionRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'xcode_versions',
        sortColumn: 'id',
        where: (qb) =>
          macOsVersionId === null
            ? qb
            : qb.where('id', 'in', (eb) =>
                eb
                  .selectFrom('xcode_macos_versions')
                  .select('xcode_version_id')
                  .where('macos_version_id', '=', macOsVersionId),
              ),
      },
      page,
    ) as Promise<Page<XcodeVersionRow>>;
  }

  /** macOS versions, all or those one Xcode version runs on. */
  listMacOsVersions(
    xcodeVersionId: string | null,
    page: PageRequest,
  ): Promise<Page<MacOsVersionRow>> {
    return keysetPage(
      this.#db,
      {
        table: 'macos_versions',
        sortColumn: 'id',
        where: (qb) =>
          xcodeVersionId === null
            ? qb
            : qb.where('id', 'in', (eb) =>
                eb
                  .selectFrom('xcode_macos_versions')
                  .select('macos_version_id')
                  .where('xcode_version_id', '=', xcodeVersionId),
              ),
      },
      page,
    ) as Promise<Page<MacOsVersionRow>>;
  }
}
