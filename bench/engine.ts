/**
 * Engine benchmark: COUNT no-op runs (one action whose command is `true`)
 * queued at once, then drained by 1, 2 and 4 `stratus runner` processes on
 * PostgreSQL and on SQLite, and by the server's in-process runner on SQLite.
 * Each run is real: a clone from the mirror, the action's process, a log
 * bundle. Prints time to drain, runs/s, claim latency and the checks that no
 * run was performed twice and none was lost.
 *
 *   npm run bench:engine                       # 2,000 runs, every setup
 *   npm run bench:engine -- --count 200 --only sqlite
 *
 * PostgreSQL: a fresh database on 127.0.0.1:5432 named runners_bench_<n>,
 * dropped afterwards (BENCH_PG_ADMIN overrides the admin URL).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'kysely';
import { loadSettings } from '../src/config/settings.ts';
import { startStratus } from '../src/app.ts';
import { Store } from '../src/store/store.ts';
import { openDatabase } from '../src/store/open-database.ts';
import { createKeyFile } from '../src/cli/keys-create.ts';
import { AscFetch } from '../scripts/asc-fetch.ts';
import { queueRuns } from './queue-runs.ts';
import { readFileSync } from 'node:fs';

const bin = fileURLToPath(new URL('../bin/stratus.js', import.meta.url));
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    only: { type: 'string' },
    processes: { type: 'string', default: '1,2,4' },
  },
});
const COUNT = Number(values.count);
const PG_ADMIN = process.env.BENCH_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Setup {
  label: string;
  dialect: 'sqlite' | 'postgres';
  processes: number;
  inProcess: boolean;
}

interface Result extends Setup {
  drainSeconds: number;
  workSeconds: number;
  runsPerSecond: number;
  claimP50: number;
  claimP99: number;
  performedTwice: number;
  lost: number;
  failed: number;
}

function git(cwd: string, ...args: string[]) {
  execFileSync('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'b@example.com',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'b@example.com',
    },
  });
}

/** A one-commit repository and a products file with the no-op workflow. */
function project(dir: string): string {
  const repo = join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'README.md'), 'bench\n');
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'bench');
  const config = join(dir, 'stratus.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      products: [
        {
          name: 'Bench',
          productType: 'APP',
          bundleId: 'com.example.bench',
          repository: { url: repo },
          workflows: [
            {
              name: 'Noop',
              manualBranchStartCondition: { source: { isAllMatch: true } },
              actions: [{ name: 'Noop', actionType: 'BUILD', command: 'true' }],
            },
          ],
        },
      ],
    }),
  );
  return config;
}

/** Creates the first run through the API, then COUNT - 1 copies of it in the store. */
async function queue(dir: string, database: string, config: string): Promise<void> {
  const flags = {
    data: join(dir, 'data'),
    config,
    database,
    port: '0',
    runners: '0',
    'log-level': 'silent',
  };
  const settings = loadSettings(flags, {});
  const keyStore = await Store.open(database);
  const key = await createKeyFile(keyStore, { name: 'bench', role: 'ADMIN', outDir: dir });
  await keyStore.close();
  const stratus = await startStratus(settings, { logger: pino({ level: 'silent' }) });
  try {
    const api = new AscFetch(stratus.url, {
      ...key,
      privateKeyPem: readFileSync(key.privateKeyPath, 'utf8'),
    });
    const [product] = await api.all('/v1/ciProducts');
    const [workflow] = await api.all(`/v1/ciProducts/${product.id}/workflows`);
    const body = {
      data: {
        type: 'ciBuildRuns',
        relationships: { workflow: { data: { type: 'ciWorkflows', id: workflow.id } } },
      },
    };
    const first = await api.request('POST', '/v1/ciBuildRuns', body);
    if (first.status !== 201) throw new Error(`start answered ${first.status}`);
    await queueRuns(stratus.store, first.json.data.id, COUNT - 1);
  } finally {
    await stratus.close();
  }
}

/** Starts the processes that drain the queue; resolves with their output once all exit. */
function drainers(setup: Setup, dir: string, database: string) {
  const data = join(dir, 'data');
  const common = ['--database', database, '--data', data, '--log-level', 'debug'];
  const argvs = setup.inProcess
    ? [['serve', ...common, '--port', '0', '--runners', String(setup.processes)]]
    : Array.from({ length: setup.processes }, () => ['runner', ...common, '--slots', '1']);
  const outputs: string[] = argvs.map(() => '');
  const children = argvs.map((argv, i) => {
    const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (chunk: Buffer) => {
      // Only the claim lines are kept: the rest of a debug log would fill memory.
      for (const line of chunk.toString().split('\n')) {
        if (line.includes('"run claimed"')) outputs[i] += `${line}\n`;
      }
    });
    return child;
  });
  const exited = Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  return {
    outputs,
    /** True once any of them exited: the queue would never drain. */
    anyGone: () => children.some((c) => c.exitCode !== null || c.signalCode !== null),
    async stop() {
      for (const c of children) c.kill('SIGTERM');
      await exited;
    },
  };
}

async function measure(setup: Setup): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-bench-'));
  const pgName = `runners_bench_${process.pid}`;
  let database = join(dir, 'data', 'stratus.db');
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  admin.on('error', () => {});
  if (setup.dialect === 'postgres') {
    await admin.connect();
    await admin.query(`create database ${pgName}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${pgName}`;
    database = url.toString();
  }
  try {
    const config = project(dir);
    await queue(dir, database, config);
    const db = await openDatabase(database);
    try {
      const t0 = performance.now();
      const running = drainers(setup, dir, database);
      for (;;) {
        const row = await db.db
          .selectFrom('build_runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('execution_progress', '!=', 'COMPLETE')
          .executeTakeFirstOrThrow();
        if (Number(row.n) === 0) break;
        if (running.anyGone()) throw new Error(`${setup.label}: a draining process exited`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const drainSeconds = (performance.now() - t0) / 1000;
      await running.stop();

      const claims = running.outputs
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { buildRunId: string; claimMs: number });
      const claimed = new Map<string, number>();
      for (const c of claims) claimed.set(c.buildRunId, (claimed.get(c.buildRunId) ?? 0) + 1);
      const runs = await db.db.selectFrom('build_runs').selectAll().execute();
      const bundles = await db.db
        .selectFrom('artifacts')
        .select(['action_id', (eb) => eb.fn.countAll().as('n')])
        .groupBy('action_id')
        .execute();
      const span = await db.db
        .selectFrom('build_runs')
        .select([
          sql<string>`min(started_date)`.as('first'),
          sql<string>`max(finished_date)`.as('last'),
        ])
        .executeTakeFirstOrThrow();
      const workSeconds = (Date.parse(span.last) - Date.parse(span.first)) / 1000;
      const latencies = claims.map((c) => c.claimMs).sort((a, b) => a - b);
      const pct = (p: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
      return {
        ...setup,
        drainSeconds,
        workSeconds,
        runsPerSecond: runs.length / workSeconds,
        claimP50: pct(0.5),
        claimP99: pct(0.99),
        // Claimed more than once, started more than once, or more than one log bundle.
        performedTwice:
          [...claimed.values()].filter((n) => n > 1).length +
          runs.filter((r) => r.attempts !== 1).length +
          bundles.filter((b) => Number(b.n) !== 1).length,
        lost:
          runs.filter((r) => !claimed.has(r.id) || r.execution_progress !== 'COMPLETE').length +
          (COUNT - runs.length),
        failed: runs.filter((r) => r.completion_status !== 'SUCCEEDED').length,
      };
    } finally {
      await db.close();
    }
  } finally {
    if (setup.dialect === 'postgres') {
      await admin.query(`drop database if exists ${pgName} with (force)`);
      await admin.end();
    }
    if (process.env.BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const setups: Setup[] = [];
for (const n of values.processes.split(',').map(Number)) {
  setups.push({
    label: `postgres, ${n} runner process(es)`,
    dialect: 'postgres',
    processes: n,
    inProcess: false,
  });
}
for (const n of values.processes.split(',').map(Number)) {
  setups.push({
    label: `sqlite, ${n} runner process(es)`,
    dialect: 'sqlite',
    processes: n,
    inProcess: false,
  });
}
for (const n of values.processes.split(',').map(Number)) {
  setups.push({
    label: `sqlite, in-process runner, ${n} slot(s)`,
    dialect: 'sqlite',
    processes: n,
    inProcess: true,
  });
}

process.stdout.write(
  `engine bench: ${COUNT} no-op runs; ${cpus().length} cores, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}\n`,
);
process.stdout.write(
  `${'setup'.padEnd(40)}drain s   work s   runs/s  claim p50 ms  p99 ms  twice  lost  failed\n`,
);
for (const setup of setups) {
  if (values.only && !setup.label.includes(values.only)) continue;
  const r = await measure(setup);
  process.stdout.write(
    `${r.label.padEnd(40)}${r.drainSeconds.toFixed(1).padStart(7)}` +
      `${r.workSeconds.toFixed(1).padStart(9)}` +
      `${r.runsPerSecond.toFixed(1).padStart(9)}${r.claimP50.toFixed(2).padStart(14)}` +
      `${r.claimP99.toFixed(2).padStart(8)}${String(r.performedTwice).padStart(7)}` +
      `${String(r.lost).padStart(6)}${String(r.failed).padStart(8)}\n`,
  );
}
