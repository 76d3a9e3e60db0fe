/**
 * Brings a database's schema up to date with the numbered migrations.
 * On both dialects the whole run is one transaction, so a failure leaves the
 * schema as it was; on PostgreSQL the migrator also holds an advisory lock,
 * so processes starting together migrate one after the other and the later
 * ones find nothing to do.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { DialectName } from './open-database.ts';
import { StoreOpenError } from './store-open-error.ts';
import * as initial from './migrations/001-initial.ts';
import * as catalogWrites from './migrations/002-catalog-writes.ts';
import * as runners from './migrations/003-runners.ts';
import * as byteOrderText from './migrations/004-byte-order-text.ts';
import * as runCounts from './migrations/005-run-counts.ts';

export interface StoreMigration {
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}

export const storeMigrations: Readonly<Record<string, StoreMigration>> = {
  '001-initial': initial,
  '002-catalog-writes': catalogWrites,
  '003-runners': runners,
  '004-byte-order-text': byteOrderText,
  '005-run-counts': runCounts,
};

export async function migrateDatabase(
  db: Kysely<any>,
  dialect: DialectName,
  migrations: Readonly<Record<string, StoreMigration>> = storeMigrations,
): Promise<void> {
  const provider = {
    async getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) {
        out[name] = { up: (k: Kysely<any>) => m.up(k, dialect) };
      }
      return out;
    },
  };
  // Migrations are numbered by the line of work that added them, so a database may have
  // met a later number before an earlier one landed; each is applied once either way.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    const what = failed ? `migration ${failed.migrationName}` : 'preparing migrations';
    throw new StoreOpenError(`${what} failed: ${cause}; no change was applied`, { cause: error });
  }
}
