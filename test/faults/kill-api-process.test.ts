/**
 * An API process killed with SIGKILL while clients start runs leaves no half
 * of a run: each run that exists has its number and its actions, and numbers
 * run 1, 2, 3… with no duplicate and no gap, before and after the restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AscFetch } from '../../scripts/asc-fetch.ts';
import { sql, type Kysely } from 'kysely';
import { Store } from '../../src/store/store.ts';
import { openSqlite } from '../../src/store/dialect/sqlite/open-sqlite.ts';
import { openPostgres } from '../../src/store/dialect/postgres/open-postgres.ts';
import { discover, startBody, startHarness, type Harness } from '../support/harness.ts';
import { testDialect } from '../support/test-database.ts';
import { killHard, serveProcess, type ServeProcess } from './serve-process.ts';

describe(`an API process killed during concurrent starts (${testDialect})`, () => {
  let h: Harness;
  let server: ServeProcess | null = null;
  let workflowId: string;
  let actionsPerRun: number;

  before(async () => {
    h = await startHarness({ runners: 0 });
    const { workflow } = await discover(h.api, 'CI');
    workflowId = workflow.id;
    actionsPerRun = workflow.attributes.actions.length;
    await h.stratus.close();
  });
  after(async () => {
    if (server) await killHard(server.child);
    await h.close().catch(() => {});
  });

  const start = (api: AscFetch) => api.request('POST', '/v1/ciBuildRuns', startBody(workflowId));
  const flags = () => ({
    data: h.dataDir,
    database: h.database,
    config: h.configPath,
    runners: '0',
    'log-level': 'warn',
  });

  test('runs left are whole, numbered 1…n with no gap, and numbering goes on', async (t) => {
    server = await serveProcess(flags());
    const api = new AscFetch(server.url, { ...h.key, privateKeyPem: h.privateKeyPem });

    // Six clients start runs back to back; the process dies once twenty have been answered.
    const created: { id: string; number: number }[] = [];
    let failures = 0;
    let killed: Promise<void> | null = null;
    const client = async () => {
      while (!killed) {
        try {
          const r = await start(api);
          if (r.status !== 201) throw new Error(`start answered ${r.status}`);
          created.push({ id: r.json.data.id, number: r.json.data.attributes.number });
          if (created.length >= 20) killed ??= killHard(server!.child);
        } catch {
          failures++;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    await killed;
    assert.ok(created.length >= 20);
    // Requests were in flight when the process died: their clients saw the connection drop.
    assert.ok(failures > 0, 'some requests were cut off');

    server = await serveProcess(flags());
    const again = new AscFetch(server.url, { ...h.key, privateKeyPem: h.privateKeyPem });
    const runs = await again.all(`/v1/ciWorkflows/${workflowId}/buildRuns?limit=200`);
    const numbers = runs.map((r) => r.attributes.number).sort((a: number, b: number) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: runs.length }, (_, i) => i + 1),
      'numbers 1…n, no duplicate, no gap',
    );
    // Every answered start is there, with the number it was answered with.
    const byId = new Map(runs.map((r) => [r.id, r.attributes.number]));
    for (const c of created) assert.equal(byId.get(c.id), c.number);

    // Later numbers were given later.
    const byNumber = [...runs].sort((a, b) => a.attributes.number - b.attributes.number);
    for (let i = 1; i < byNumber.length; i++) {
      assert.ok(byNumber[i].attributes.createdDate >= byNumber[i - 1].attributes.createdDate);
    }

    const store = await Store.open(h.database);
    try {
      for (const run of runs) {
        const actions = await store.runs.actionsOfRun(run.id);
        assert.equal(actions.length, actionsPerRun, `run ${run.attributes.number} has its actions`);
      }
    } finally {
      await store.close();
    }

    // Nor is there any action whose run is missing.
    const db: Kysely<any> =
      testDialect === 'postgres'
        ? openPostgres({ url: h.database, maxConnections: 1 })
        : openSqlite(h.database).db;
    try {
      const orphans = await sql<{ n: number }>`select count(*) as n from build_actions
        where run_id not in (select id from build_runs)`.execute(db);
      assert.equal(Number(orphans.rows[0]!.n), 0);
    } finally {
      await db.destroy();
    }

    t.diagnostic(
      `${created.length} starts answered, ${failures} cut off, ${runs.length} runs kept`,
    );
    const next = await start(again);
    assert.equal(next.status, 201);
    assert.equal(next.json.data.attributes.number, runs.length + 1);
  });
});
