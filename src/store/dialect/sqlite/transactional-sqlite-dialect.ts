/**
 * Two changes to Kysely's SQLite dialect, both about transactions:
 *
 * - SQLite runs schema changes inside transactions, but Kysely's adapter says
 *   it does not, so its migrator would apply a migration statement by
 *   statement. Saying so lets the migrator wrap a run in one transaction: a
 *   failed or interrupted migration leaves nothing half-applied, as on
 *   PostgreSQL.
 * - A transaction takes the write lock when it begins (BEGIN IMMEDIATE). With
 *   a plain BEGIN, a transaction that reads and then writes while another
 *   process writes fails with SQLITE_BUSY at the write, busy timeout or not;
 *   taken up front, the lock is waited for like any other.
 */
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, DialectAdapter, Driver } from 'kysely';

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
