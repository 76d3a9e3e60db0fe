/** The store: one handle holding every repository over one database. */
import {
  openDatabase,
  type DialectName,
  type OpenDatabaseConfig,
  type StoreDatabase,
} from './open-database.ts';
import { CatalogRepository } from './catalog-repository.ts';
import { BuildRunRepository } from './build-run-repository.ts';
import { RecordRepository } from './record-repository.ts';
import { KeyRepository } from './key-repository.ts';
import { RunnerRepository } from './runner-repository.ts';
import { RunnerTokenRepository } from './runner-token-repository.ts';
import { ToolchainRepository } from './toolchain-repository.ts';

export class Store {
  readonly dialect: DialectName;
  readonly catalog: CatalogRepository;
  readonly runs: BuildRunRepository;
  readonly records: RecordRepository;
  readonly keys: KeyRepository;
  readonly runners: RunnerRepository;
  readonly runnerTokens: RunnerTokenRepository;
  readonly toolchain: ToolchainRepository;
  readonly #database: StoreDatabase;

  private constructor(database: StoreDatabase) {
    this.#database = database;
    this.dialect = database.dialect;
    this.catalog = new CatalogRepository(database.db);
    this.runs = new BuildRunRepository(database.db, database.dialect);
    this.records = new RecordRepository(database.db);
    this.keys = new KeyRepository(database.db);
    this.runners = new RunnerRepository(database.db);
    this.runnerTokens = new RunnerTokenRepository(database.db);
    this.toolchain = new ToolchainRepository(database.db);
  }

  /** Opens and migrates the database at `location` (file path or postgres:// URL). */
  static async open(location: string, config: OpenDatabaseConfig = {}): Promise<Store> {
    return new Store(await openDatabase(location, config));
  }

  /** See `StoreDatabase.changeMark`: null when this database cannot tell cheaply. */
  changeMark(): string | null {
    return this.#database.changeMark?.() ?? null;
  }

  close(): Promise<void> {
    return this.#database.close();
  }
}
