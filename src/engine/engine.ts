/**
 * The engine: decides what runs and drives runs forward. The API hands it
 * start requests; it keeps repositories' references current from their
 * mirrors and feeds the local runner.
 */
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { RepositoryRow } from '../store/catalog-repository.ts';
import type { BuildRunRow } from '../store/build-run-repository.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import { RepositoryMirror } from './git/repository-mirror.ts';
import { startBuildRun, type StartRequest } from './builds/start-build-run.ts';
import { LocalRunner } from './runner/local-runner.ts';
import { detectToolchain } from './toolchain/detect-toolchain.ts';

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
}

export class Engine {
  readonly mirror: RepositoryMirror;
  readonly #store: Store;
  readonly #runner: LocalRunner | null;
  readonly #artifacts: ArtifactStore;
  readonly #config: EngineConfig;
  readonly #log: Logger;

  constructor(store: Store, artifacts: ArtifactStore, logger: Logger, config: EngineConfig) {
    this.#store = store;
    this.#artifacts = artifacts;
    this.#config = config;
    this.#log = logger;
    this.mirror = new RepositoryMirror(join(config.dataDir, 'cache', 'mirrors'));
    this.#runner =
      config.runners > 0
        ? new LocalRunner(
            {
              store,
              artifacts,
              logger,
              dataDir: config.dataDir,
              origin: config.origin,
              keepWorkspaces: config.keepWorkspaces,
              logCapBytes: config.logCapBytes,
              buildEnv: config.buildEnv,
            },
            { slots: config.runners, leaseMs: config.leaseMs, pollMs: config.pollMs },
          )
        : null;
  }

  start(): void {
    this.#runner?.start();
  }

  /**
   * Tells the store what Xcode and macOS this machine has, when it runs
   * builds; ciXcodeVersions and ciMacOsVersions list what runners reported.
   */
  async reportToolchain(): Promise<void> {
    if (!this.#runner) return;
    try {
      const toolchain = await detectToolchain(this.#config.buildEnv);
      const host = hostname();
      await this.#store.toolchain.report({ id: `local-${host}`, name: host }, toolchain);
      this.#log.info(
        { xcode: toolchain.xcode?.id ?? null, macOs: toolchain.macOs?.id ?? null },
        'toolchain reported',
      );
    } catch (err) {
      this.#log.error({ err }, 'toolchain detection failed');
    }
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

  stop(): Promise<void> {
    return this.#runner?.stop() ?? Promise.resolve();
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
