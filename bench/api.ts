/**
 * API benchmark: a real Stratus on SQLite holding a million build runs, real
 * ES256 tokens, and autocannon in a child process.
 *
 *   npm run bench                       # 1,000,000 runs, 10 s per scenario
 *   npm run bench -- --runs 100000 --seconds 5 --connections 10
 *
 * Scenarios, each against the same server in the same run:
 *   (a) GET /v1/ciBuildRuns/{id}?include=workflow,product, against a bare Fastify route
 *       in the same process sending a fixed document of the same bytes;
 *   (b) a page of 200 runs of /v1/ciWorkflows/{id}/buildRuns?sort=-number, first page
 *       against a cursor at the millionth row.
 * Only ratios within one run mean anything: the machine's cores are shared.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pino from 'pino';
import { loadSettings } from '../src/config/settings.ts';
import { startStratus } from '../src/app.ts';
import { Store } from '../src/store/store.ts';
import { createKeyFile } from '../src/cli/keys-create.ts';
import { signToken } from '../src/auth/sign-token.ts';
import { encodeCursor } from '../src/api/jsonapi/cursor.ts';
import { createSampleRepository, writeSampleConfig } from '../scripts/sample-project.ts';
import { seedBuildRuns } from './seed-build-runs.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    // For profiling one scenario: bare, run, page, deep (comma-separated).
    only: { type: 'string', default: 'bare,run,page,deep' },
  },
});
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const ONLY = new Set(args.only.split(','));

interface Load {
  requests: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuSeconds: number;
}

interface Measured extends Load {
  name: string;
  serverCpuSeconds: number;
  rssMiB: number;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function runLoad(url: string, headers: Record<string, string>): Promise<Load> {
  const options = { url, headers, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 };
  const script = new URL('./load.mjs', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, JSON.stringify(options)], (error, stdout, stderr) => {
      if (error) reject(new Error(`load generator failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** One scenario: load from the child, server CPU and peak RSS sampled here. */
async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
): Promise<Measured> {
  let rss = process.memoryUsage().rss;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 100);
  const cpu = process.cpuUsage();
  const load = await runLoad(url, headers);
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  if (load.non2xx > 0 || load.errors > 0) {
    throw new Error(`${name}: ${load.non2xx} non-2xx and ${load.errors} errors`);
  }
  return {
    name,
    ...load,
    serverCpuSeconds: (used.user + used.system) / 1e6,
    rssMiB: Math.round(rss / 2 ** 20),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-bench-'));
  try {
    await bench(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bench(dir: string): Promise<void> {
  const repo = createSampleRepository(join(dir, 'repo'));
  const configPath = join(dir, 'stratus.config.json');
  writeSampleConfig(configPath, repo.path);
  const flags = {
    data: join(dir, 'data'),
    config: configPath,
    port: '0',
    runners: '0',
    'log-level': 'silent',
    'rate-limit': '1000000000',
  };
  const settings = loadSettings(flags, {});

  // Migrations, the product and its workflow come from a first start.
  const keyStore = await Store.open(settings.database);
  const key = await createKeyFile(keyStore, { name: 'bench', role: 'ADMIN', outDir: dir });
  await keyStore.close();
  const first = await startStratus(settings, { logger: pino({ level: 'silent' }), listen: false });
  await first.close();

  const db = new SQLite(settings.database);
  const workflow = db.prepare('SELECT id, product_id FROM workflows LIMIT 1').get() as {
    id: string;
    product_id: string;
  };
  const ref = db.prepare('SELECT id FROM git_references LIMIT 1').get() as
    { id: string } | undefined;
  let started = Date.now();
  const seeded = seedBuildRuns(db, {
    productId: workflow.product_id,
    workflowId: workflow.id,
    sourceRefId: ref?.id ?? null,
    count: RUNS,
  });
  say(`seeded ${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');

  // The run at the millionth row of the newest-first list, and the page query's plan.
  const deep = db
    .prepare(
      'SELECT number, id FROM build_runs WHERE workflow_id = ? ORDER BY number DESC, id DESC ' +
        'LIMIT 1 OFFSET ?',
    )
    .get(workflow.id, Math.max(RUNS - 201, 0)) as { number: number; id: string };
  const plan = db
    .prepare(
      'EXPLAIN QUERY PLAN SELECT * FROM build_runs WHERE workflow_id = ? AND ' +
        '(number, id) < (?, ?) ORDER BY number DESC, id DESC LIMIT 201',
    )
    .all(workflow.id, deep.number, deep.id) as { detail: string }[];
  const oneRun = db
    .prepare('SELECT id FROM build_runs WHERE workflow_id = ? AND number = ?')
    .get(workflow.id, seeded.lastNumber) as { id: string };
  db.close();
  say(`page plan: ${plan.map((p) => p.detail).join(' | ')}`);

  const stratus = await startStratus(settings, { logger: pino({ level: 'silent' }) });
  const privateKeyPem = readFileSync(key.privateKeyPath, 'utf8');
  const token = await signToken({ ...key, privateKeyPem, lifetimeSeconds: 1200 });
  const headers = { authorization: `Bearer ${token}` };

  const runPath = `/v1/ciBuildRuns/${oneRun.id}?include=workflow,product`;
  const runDocument = await fetch(`${stratus.url}${runPath}`, { headers });
  const body = Buffer.from(await runDocument.arrayBuffer());
  if (runDocument.status !== 200) throw new Error(`GET ${runPath}: ${runDocument.status}`);

  // The same bytes from a bare route, in this process, so that both share one event loop.
  const bare = Fastify();
  bare.get('/bare', (_request, reply) => {
    reply.header('content-type', 'application/json').send(body);
  });
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

  const pagePath = `/v1/ciWorkflows/${workflow.id}/buildRuns?limit=200&sort=-number`;
  const deepPath = `${pagePath}&cursor=${encodeCursor(
    [deep.number, deep.id],
    'GET /v1/ciWorkflows/{id}/buildRuns -number',
  )}`;
  const deepPage = await (await fetch(`${stratus.url}${deepPath}`, { headers })).json();
  if (deepPage.data.length !== 200) throw new Error(`the deep page has ${deepPage.data.length}`);

  const scenarios: [string, string, string, Record<string, string>][] = [
    ['bare', 'bare Fastify, same bytes', `${bareUrl}/bare`, {}],
    ['run', 'GET run ?include=workflow,product', `${stratus.url}${runPath}`, headers],
    ['page', 'runs page 1 (200, -number)', `${stratus.url}${pagePath}`, headers],
    ['deep', `runs page at row ${RUNS - 200}`, `${stratus.url}${deepPath}`, headers],
  ];
  const results = new Map<string, Measured>();
  try {
    for (const [key, name, url, h] of scenarios) {
      if (ONLY.has(key)) results.set(key, await measure(name, url, h));
    }
  } finally {
    await bare.close();
    await stratus.close();
  }

  say('');
  say(
    `${RUNS} runs, ${SECONDS} s per scenario, ${CONNECTIONS} connections, ` +
      `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `document ${body.length} bytes`,
  );
  say('| scenario | req/s | p50 ms | p99 ms | server CPU s | load generator CPU s | RSS MiB |');
  say('|---|---|---|---|---|---|---|');
  for (const r of results.values()) {
    say(
      `| ${r.name} | ${Math.round(r.requests)} | ${r.p50} | ${r.p99} | ` +
        `${r.serverCpuSeconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${r.rssMiB} |`,
    );
  }
  const ratio = (a: string, b: string) => {
    const x = results.get(a);
    const y = results.get(b);
    return x && y ? (x.requests / y.requests).toFixed(2) : '-';
  };
  say('');
  say(`(a) run / bare: ${ratio('run', 'bare')}`);
  say(`(b) deep page / first page: ${ratio('deep', 'page')}`);
}

await main();
