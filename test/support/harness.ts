/**
 * A real Stratus for tests: a temporary data folder, a real git repository of
 * the sample app, the products file, an API key, and the server listening on
 * 127.0.0.1 on a port the system picks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadSettings } from '../../src/config/settings.ts';
import { startStratus, type Stratus } from '../../src/app.ts';
import { Store } from '../../src/store/store.ts';
import { createKeyFile, type CreatedKey } from '../../src/cli/keys-create.ts';
import { createSampleRepository, writeSampleConfig } from '../../scripts/sample-project.ts';
import { AscFetch } from '../../scripts/asc-fetch.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface Harness {
  dir: string;
  repoPath: string;
  configPath: string;
  dataDir: string;
  /** The store's location: a SQLite file or a postgres:// URL, per STRATUS_TEST_DATABASE. */
  database: string;
  key: CreatedKey;
  privateKeyPem: string;
  stratus: Stratus;
  api: AscFetch;
  restart(flags?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  runners?: number;
  /** Edits the parsed products file before the server reads it. */
  editConfig?: (config: any) => void;
  flags?: Record<string, string>;
  /** A database to use instead of a fresh one from test-database.ts; the caller drops it. */
  database?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-test-'));
  const repo = createSampleRepository(join(dir, 'repo'));
  const configPath = join(dir, 'stratus.config.json');
  writeSampleConfig(configPath, repo.path);
  if (options.editConfig) {
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    options.editConfig(config);
    writeFileSync(configPath, JSON.stringify(config));
  }
  const dataDir = join(dir, 'data');
  const database: TestDatabase = options.database
    ? { dialect: 'postgres', location: options.database, drop: async () => {} }
    : await createTestDatabase();
  const flagsFor = (extra: Record<string, string> = {}) => ({
    data: dataDir,
    database: database.location,
    config: configPath,
    port: '0',
    runners: String(options.runners ?? 1),
    'log-level': 'silent',
    ...options.flags,
    ...extra,
  });

  const settings = loadSettings(flagsFor(), {});
  const keyStore = await Store.open(settings.database);
  const key = await createKeyFile(keyStore, { name: 'test', role: 'ADMIN', outDir: dir });
  await keyStore.close();
  const privateKeyPem = readFileSync(key.privateKeyPath, 'utf8');

  const open = async (extra?: Record<string, string>) => {
    const s = await startStratus(loadSettings(flagsFor(extra), {}), {
      logger: pino({ level: 'silent' }),
    });
    return { s, api: new AscFetch(s.url, { ...key, privateKeyPem }) };
  };
  let { s: stratus, api } = await open();

  const harness: Harness = {
    dir,
    repoPath: repo.path,
    configPath,
    dataDir,
    database: database.location,
    key,
    privateKeyPem,
    stratus,
    api,
    async restart(extra) {
      await harness.stratus.close();
      const next = await open(extra);
      harness.stratus = next.s;
      harness.api = next.api;
    },
    async close() {
      await harness.stratus.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Ids a client finds first: the product, its workflow by name, the repository, a ref. */
export async function discover(api: AscFetch, workflowName = 'CI') {
  const [product] = await api.all('/v1/ciProducts');
  const workflows = await api.all(`/v1/ciProducts/${product.id}/workflows`);
  const workflow = workflows.find((w) => w.attributes.name === workflowName);
  const repository = (await api.get(`/v1/ciWorkflows/${workflow.id}/repository`)).data;
  const refs = await api.all(`/v1/scmRepositories/${repository.id}/gitReferences?limit=200`);
  const ref = (canonicalName: string) =>
    refs.find((r) => r.attributes.canonicalName === canonicalName);
  return { product, workflow, repository, refs, ref };
}

export function startBody(workflowId: string, refId?: string, extra: Record<string, unknown> = {}) {
  return {
    data: {
      type: 'ciBuildRuns',
      relationships: {
        workflow: { data: { type: 'ciWorkflows', id: workflowId } },
        ...(refId ? { sourceBranchOrTag: { data: { type: 'scmGitReferences', id: refId } } } : {}),
        ...extra,
      },
    },
  };
}

/** Polls a run until COMPLETE (bounded), returning its last document. */
export async function waitForRun(api: AscFetch, runId: string, timeoutMs = 120_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = (await api.get(`/v1/ciBuildRuns/${runId}`)).data;
    if (run.attributes.executionProgress === 'COMPLETE') return run;
    if (Date.now() > until)
      throw new Error(`run ${runId} still ${run.attributes.executionProgress}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A products-file workflow that a manual start may run on any branch, with these actions. */
export function manualWorkflow(name: string, actions: Record<string, unknown>[]) {
  return { name, manualBranchStartCondition: { source: { isAllMatch: true } }, actions };
}
