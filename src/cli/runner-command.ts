/**
 * `stratus runner`: the server's runner code in a process of its own, on
 * the store (--database, sharing --data with the server) or over HTTP
 * (--server, --token). It performs runs until SIGINT or SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RunnerSettings } from '../config/runner-settings.ts';
import { Store } from '../store/store.ts';
import { ArtifactStore } from '../artifacts/artifact-store.ts';
import { scrubbedEnvironment } from '../engine/build-environment.ts';
import { Runner, leaseOwner } from '../engine/runner/runner.ts';
import { StoreRunBackend } from '../engine/runner/store-run-backend.ts';
import { QueueKeeper } from '../engine/runner/queue-keeper.ts';
import type { RunBackend } from '../engine/runner/run-backend.ts';
import { HttpRunBackend, ServerUnreachable } from '../runner-protocol/http-run-backend.ts';

export interface RunnerProcess {
  runner: Runner;
  close(): Promise<void>;
}

const POLL_MS = 500;

export async function startRunnerProcess(
  settings: Readonly<RunnerSettings>,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunnerProcess> {
  mkdirSync(settings.dataDir, { recursive: true });
  const secrets = [settings.database, settings.token].filter((s): s is string => s !== null);
  const buildEnv = scrubbedEnvironment(process.env, secrets);
  const base = {
    logger,
    dataDir: settings.dataDir,
    keepWorkspaces: settings.keepWorkspaces,
    logCapBytes: 64 * 1024 * 1024,
    buildEnv,
    actionTimeoutMinutes: settings.actionTimeoutMinutes,
  };

  let backend: RunBackend;
  let leaseMs = settings.leaseSeconds * 1000;
  let store: Store | null = null;
  let keeper: QueueKeeper | null = null;
  const mode = settings.database !== null ? 'store' : 'http';
  const id = leaseOwner(mode);

  if (settings.database !== null) {
    store = await Store.open(settings.database);
    // This process only moves files into the store; it never signs download links.
    const artifacts = new ArtifactStore({
      root: join(settings.dataDir, 'artifacts'),
      secret: Buffer.alloc(32),
      origin: () => settings.publicUrl,
      linkLifetimeSeconds: 0,
    });
    backend = new StoreRunBackend(store, artifacts, { owner: id, leaseMs });
    // Runners on the store reap too, so a dead runner's runs end even with no server up.
    keeper = new QueueKeeper(store, logger, { intervalMs: leaseMs / 2, liveMs: leaseMs * 3 });
  } else {
    const http = new HttpRunBackend({
      serverUrl: settings.serverUrl!,
      token: settings.token!,
      runnerId: id,
      onLogError: (err) => logger.warn({ err }, 'live log not delivered'),
      retryMs: 60_000,
    });
    leaseMs = await whenReachable(() => http.leaseMs(), logger);
    backend = http;
  }

  const runner = new Runner(
    { ...base, backend, origin: () => settings.publicUrl },
    {
      owner: id,
      mode,
      slots: settings.slots,
      leaseMs,
      pollMs: POLL_MS,
      ...(settings.name === null ? {} : { name: settings.name }),
      ...(onFatal ? { onFatal } : {}),
    },
  );
  try {
    await runner.start();
  } catch (error) {
    await store?.close();
    throw error;
  }
  keeper?.start();

  return {
    runner,
    async close() {
      await runner.stop();
      await keeper?.stop();
      await store?.close();
    },
  };
}

/**
 * A runner started before its server (a reboot, a deploy) waits for it:
 * attempts pause 1 s, 2 s, … up to 30 s, each logged with the URL and cause.
 */
async function whenReachable<T>(attempt: () => Promise<T>, logger: Logger): Promise<T> {
  for (let pause = 1000; ; pause = Math.min(pause * 2, 30_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ServerUnreachable)) throw error;
      logger.warn({ retryMs: pause }, `${error.message}; retrying in ${pause / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
