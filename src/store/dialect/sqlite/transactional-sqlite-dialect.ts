/**
 * SQLite runs schema changes inside transactions, but Kysely's SQLite adapter
 * says it does not, so its migrator would apply each migration statement by
 * statement. Saying so lets the migrator wrap a run in one transaction: a
 * failed or interrupted migration then leaves nothing half-applied, as on
 * PostgreSQL.
 */
import { SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
