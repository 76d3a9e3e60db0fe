/**
 * Starts a whole Stratus server from settings: the store, the products file,
 * the artifact store, the engine with its local runner, and the HTTP API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Settings } from './config/settings.ts';
import { readConfigFile } from './config/config-file.ts';
import { applyConfig } from './config/apply-config.ts';
import { Store } from './store/store.ts';
import { ArtifactStore } from './artifacts/artifact-store.ts';
import { Engine } from './engine/engine.ts';
import { buildServer } from './api/server.ts';
import { scrubbedEnvironment } from './engine/build-environment.ts';
import { runnerRoutes } from './runner-protocol/runner-routes.ts';

export interface Stratus {
  url: string;
  store: Store;
  engine: Engine;
  app: FastifyInstance;
  logger: Logger;
  close(): Promise<void>;
}

/** A secret kept in the data folder, made on first start (signs download links). */
function dataSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

/** The team id stands in for Apple's CI_TEAM_ID; it is made once per data folder. */
function teamId(dataDir: string): string {
  const file = join(dataDir, 'team-id');
  if (!existsSync(file))
    writeFileSync(file, randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase());
  return readFileSync(file, 'utf8').trim();
}

export async function startStratus(
  settings: Readonly<Settings>,
  options: { logger?: Logger; listen?: boolean } = {},
): Promise<Stratus> {
  const logger = options.logger ?? pino({ level: settings.logLevel });
  mkdirSync(settings.dataDir, { recursive: true });
  const config = settings.configPath ? readConfigFile(settings.configPath) : null;

  const store = await Store.open(settings.database, { logger });
  try {
    if (config) {
      await applyConfig(store, config, dirname(settings.configPath!), teamId(settings.dataDir));
    }
  } catch (error) {
    await store.close();
    throw error;
  }

  // The origin is known only once listening when the port is picked by the system.
  let baseUrl = settings.publicUrl || `http://${settings.host}:${settings.port}`;
  const links = { baseUrl };
  const artifacts = new ArtifactStore({
    root: join(settings.dataDir, 'artifacts'),
    secret: dataSecret(settings.dataDir),
    origin: () => links.baseUrl,
    linkLifetimeSeconds: 3600,
  });
  const engine = new Engine(store, artifacts, logger, {
    dataDir: settings.dataDir,
    origin: () => links.baseUrl,
    runners: settings.runners,
    leaseMs: settings.leaseSeconds * 1000,
    pollMs: 500,
    keepWorkspaces: settings.keepWorkspaces,
    logCapBytes: 64 * 1024 * 1024,
    buildEnv: scrubbedEnvironment(process.env, [settings.database]),
    actionTimeoutMinutes: settings.actionTimeoutMinutes,
  });
  const context = {
    store,
    artifacts,
    engine,
    get baseUrl() {
      return links.baseUrl;
    },
    principal: null,
  };
  const app = buildServer(context, {
    logger,
    rateLimitPerHour: settings.rateLimitPerHour,
    responseCacheBytes: settings.responseCacheMiB * 2 ** 20,
  });
  await app.register(async (scope) =>
    runnerRoutes(scope, {
      store,
      artifacts,
      dataDir: settings.dataDir,
      leaseMs: settings.leaseSeconds * 1000,
    }),
  );

  if (options.listen !== false) {
    await app.listen({ host: settings.host, port: settings.port });
    const address = app.server.address();
    if (!settings.publicUrl && address && typeof address === 'object') {
      baseUrl = `http://${settings.host}:${address.port}`;
      links.baseUrl = baseUrl;
    }
  }
  await engine.start();
  logger.info(
    { url: links.baseUrl, database: store.dialect, runners: settings.runners },
    'stratus started',
  );

  return {
    get url() {
      return links.baseUrl;
    },
    store,
    engine,
    app,
    logger,
    async close() {
      await engine.stop();
      await app.close();
      await store.close();
    },
  };
}
