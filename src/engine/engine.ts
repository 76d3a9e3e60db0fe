/**
 * The engine: decides what runs and drives runs forward. The API hands it
 * start requests; it keeps repositories' references current from their
 * mirrors and feeds the local runner.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { RepositoryRow } from '../store/catalog-repository.ts';
import type { BuildRunRow } from '../store/build-run-repository.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import { RepositoryMirror } from './git/repository-mirror.ts';
import { startBuildRun, type StartRequest } from './builds/start-build-run.ts';
import { Runner, leaseOwner } from './runner/runner.ts';
import { StoreRunBackend } from './runner/store-run-backend.ts';
import { QueueKeeper } from './runner/queue-keeper.ts';

export interface EngineConfig {
  dataDir: string;
  /** Absolute origin of the API, read when a link is needed. */
  origin: () => string;
  /** Runner slots in this process; 0 serves the API only. */
  runners: number;
  leaseMs: number;
  pollMs: number;
  keepWorkspaces: boolean;
  logCapBytes: number;
  /** Environment build processes start from. */
  buildEnv: Record<string, string>;
  /** Time limit of an action that sets no timeoutMinutes of its own. */
  actionTimeoutMinutes: number;
}

export class Engine {
  readonly mirror: RepositoryMirror;
  readonly #store: Store;
  readonly #runner: Runner | null;
  readonly #keeper: QueueKeeper;
  readonly #artifacts: ArtifactStore;
  readonly #config: EngineConfig;

  constructor(store: Store, artifacts: ArtifactStore, logger: Logger, config: EngineConfig) {
    this.#store = store;
    this.#artifacts = artifacts;
    this.#config = config;
    this.mirror = new RepositoryMirror(join(config.dataDir, 'cache', 'mirrors'));
    // Lapsed leases are reaped here even with no runner slots: separate runners may die.
    this.#keeper = new QueueKeeper(store, logger, {
      intervalMs: Math.max(100, Math.floor(config.leaseMs / 2)),
      liveMs: config.leaseMs * 3,
    });
    if (config.runners === 0) {
      this.#runner = null;
      return;
    }
    const owner = leaseOwner('local');
    const backend = new StoreRunBackend(store, artifacts, { owner, leaseMs: config.leaseMs });
    this.#runner = new Runner(
      {
        backend,
        logger,
        dataDir: config.dataDir,
        origin: config.origin,
        keepWorkspaces: config.keepWorkspaces,
        logCapBytes: config.logCapBytes,
        buildEnv: config.buildEnv,
        actionTimeoutMinutes: config.actionTimeoutMinutes,
      },
      {
        owner,
        slots: config.runners,
        leaseMs: config.leaseMs,
        pollMs: config.pollMs,
        mode: 'local',
      },
    );
  }

  /** The in-process runner, when this server performs runs itself. */
  get runner(): Runner | null {
    return this.#runner;
  }

  /** Starts queue upkeep and the local runner, which reports this machine's toolchain. */
  async start(): Promise<void> {
    this.#keeper.start();
    await this.#runner?.start();
  }

  /** Deletes the files of removed runs: artifacts, logs and any kept workspaces. */
  async removeRunFiles(runIds: readonly string[]): Promise<void> {
    for (const id of runIds) {
      await this.#artifacts.removeRun(id);
      for (const folder of ['logs', 'workspaces']) {
        await rm(join(this.#config.dataDir, folder, id), { recursive: true, force: true });
      }
    }
  }

  async stop(): Promise<void> {
    await this.#runner?.stop();
    await this.#keeper.stop();
  }

  async startRun(request: StartRequest): Promise<BuildRunRow> {
    const run = await startBuildRun(
      {
        store: this.#store,
        mirror: this.mirror,
        refreshReferences: (r) => this.refreshReferences(r),
      },
      request,
    );
    this.#runner?.notify();
    return run;
  }

  /** Reads the repository's branches and tags into the store (throttled per repository). */
  async refreshReferences(repository: RepositoryRow, force = false): Promise<void> {
    await this.mirror.sync(repository.url, force);
    const refs = await this.mirror.refs(repository.url);
    await this.#store.catalog.syncReferences(repository.id, refs);
    const head = await this.mirror.defaultBranch(repository.url);
    if (head && head !== repository.default_branch) {
      await this.#store.catalog.upsertRepository({ ...repository, default_branch: head });
      repository.default_branch = head;
    }
  }
}
