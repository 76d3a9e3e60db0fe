/**
 * API benchmark: a real Stratus on SQLite holding a million build runs, real
 * ES256 tokens, and autocannon in a child process.
 *
 *   npm run bench                       # 1,000,000 runs, 3 rounds of 10 s per scenario
 *   npm run bench -- --runs 100000 --seconds 5 --rounds 5 --connections 10
 *
 * Scenarios, against two servers on the same database in the same process: one as
 * `stratus serve` starts by default, one with its response cache off (every request
 * reads the database and builds its document).
 *   (a) GET /v1/ciBuildRuns/{id}?include=workflow,product, against a bare Fastify route
 *       in the same process sending a fixed document of the same bytes; on both servers;
 *   (b) a page of 200 runs of /v1/ciWorkflows/{id}/buildRuns?sort=-number, first page
 *       against a cursor at the millionth row, on the server without the cache.
 * Only ratios within one run mean anything: the machine's cores are shared, and two
 * runs of one scenario a minute apart differ by a third. So the scenarios take turns,
 * round after round (after an untimed 3 s turn each), and each ratio is the median of
 * its per-round ratios.
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
    // For profiling one scenario: bare, run, uncached, page, deep (comma-separated).
    only: { type: 'string', default: 'bare,run,uncached,page,deep' },
    rounds: { type: 'string', default: '3' },
    // A fixed overall rate (requests per second) instead of as fast as the server answers.
    rate: { type: 'string', default: '0' },
  },
});
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const ONLY = new Set(args.only.split(','));
const RATE = Number(args.rate);
const ROUNDS = Number(args.rounds);
const WARMUP_SECONDS = 3;

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

function runLoad(url: string, headers: Record<string, string>, seconds = SECONDS): Promise<Load> {
  const options = {
    url,
    headers,
    connections: CONNECTIONS,
    duration: seconds,
    pipelining: 1,
    ...(RATE > 0 ? { overallRate: RATE } : {}),
  };
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
  const uncachedSettings = loadSettings({ ...flags, 'response-cache-mib': '0' }, {});
  const uncached = await startStratus(uncachedSettings, { logger: pino({ level: 'silent' }) });
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
  const deepPage = await (await fetch(`${uncached.url}${deepPath}`, { headers })).json();
  if (deepPage.data.length !== 200) throw new Error(`the deep page has ${deepPage.data.length}`);

  const scenarios: [string, string, string, Record<string, string>][] = [
    ['bare', 'bare Fastify, same bytes', `${bareUrl}/bare`, {}],
    ['run', 'GET run ?include=workflow,product', `${stratus.url}${runPath}`, headers],
    ['uncached', 'the same, response cache off', `${uncached.url}${runPath}`, headers],
    ['page', 'runs page 1 (200, -number), cache off', `${uncached.url}${pagePath}`, headers],
    ['deep', `runs page at row ${RUNS - 200}, cache off`, `${uncached.url}${deepPath}`, headers],
  ];
  const rounds: Map<string, Measured>[] = [];
  try {
    // A short untimed turn of each scenario first, so that no round measures the JIT warming up.
    for (const [key, , url, h] of scenarios) {
      if (ONLY.has(key)) await runLoad(url, h, WARMUP_SECONDS);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const results = new Map<string, Measured>();
      for (const [key, name, url, h] of scenarios) {
        if (!ONLY.has(key)) continue;
        const m = await measure(name, url, h);
        results.set(key, m);
        say(`round ${round}: ${name}: ${Math.round(m.requests)} req/s`);
      }
      rounds.push(results);
    }
  } finally {
    await bare.close();
    await stratus.close();
    await uncached.close();
  }

  say('');
  say(
    `${RUNS} runs, ${ROUNDS} rounds of ${SECONDS} s per scenario, ${CONNECTIONS} connections, ` +
      `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `document ${body.length} bytes`,
  );
  say("Each row is the scenario's median round; RSS is the highest seen in any round.");
  say(
    '| scenario | req/s | p50 ms | p99 ms | server CPU s | server CPU µs/request | ' +
      'load generator CPU s | RSS MiB |',
  );
  say('|---|---|---|---|---|---|---|---|');
  for (const [key] of scenarios) {
    const all = rounds.map((r) => r.get(key)).filter((m): m is Measured => m !== undefined);
    if (all.length === 0) continue;
    const r = median(all, (m) => m.requests);
    const rss = Math.max(...all.map((m) => m.rssMiB));
    const perRequest = (r.serverCpuSeconds * 1e6) / Math.max(r.total, 1);
    say(
      `| ${r.name} | ${Math.round(r.requests)} | ${r.p50} | ${r.p99} | ` +
        `${r.serverCpuSeconds.toFixed(1)} | ${perRequest.toFixed(0)} | ` +
        `${r.cpuSeconds.toFixed(1)} | ${rss} |`,
    );
  }
  const ratio = (a: string, b: string): string => {
    const per = rounds
      .map((r) => [r.get(a), r.get(b)] as const)
      .filter(([x, y]) => x && y)
      .map(([x, y]) => x!.requests / y!.requests);
    if (per.length === 0) return '-';
    const list = per.map((v) => v.toFixed(2)).join(', ');
    return `${median(per, (v) => v).toFixed(2)} (rounds: ${list})`;
  };
  say('');
  say(`(a) run / bare: ${ratio('run', 'bare')}`);
  say(`    run with the response cache off / bare: ${ratio('uncached', 'bare')}`);
  say(`(b) deep page / first page: ${ratio('deep', 'page')}`);
}

/** The middle element by `value` (the lower middle for an even count). */
function median<T>(items: readonly T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

await main();
