/**
 * PostgreSQL restarting under load: requests that meet the outage get a 503
 * ErrorResponse (never a stack trace, never a crash), and once the server is
 * back Stratus works again with no restart of its own. The test runs its own
 * PostgreSQL cluster, so that restarting it disturbs nobody else.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  discover,
  startBody,
  startHarness,
  waitForRun,
  manualWorkflow,
  type Harness,
} from '../support/harness.ts';
import { testDialect } from '../support/test-database.ts';
import {
  postgresBinaries,
  startPrivatePostgres,
  type PrivatePostgres,
} from './private-postgres.ts';

const bin = postgresBinaries();
const skip =
  testDialect !== 'postgres'
    ? 'PostgreSQL only: runs in the postgres pass of npm test'
    : !bin
      ? 'PostgreSQL server binaries (initdb, pg_ctl) are not installed under /usr/lib/postgresql'
      : false;

interface Answer {
  status: number;
  json: any;
  retryAfter: string | null;
}

/** Checks that a failed answer is the 503 document, and nothing else. */
function assertUnavailable(answer: Answer): void {
  assert.equal(answer.status, 503, JSON.stringify(answer.json));
  assert.equal(answer.retryAfter, '5');
  const [error] = answer.json.errors;
  assert.equal(error.status, '503');
  assert.equal(error.code, 'SERVICE_UNAVAILABLE');
  assert.match(error.detail, /cannot reach its database/);
  assert.doesNotMatch(JSON.stringify(answer.json), /\n\s+at |node_modules|ECONN/);
}

describe('PostgreSQL restarted under load', { skip }, () => {
  let cluster: PrivatePostgres;
  let h: Harness;
  let workflowId: string;

  before(async () => {
    cluster = await startPrivatePostgres(bin!);
    h = await startHarness({
      runners: 1,
      database: cluster.url,
      editConfig(config) {
        config.products[0].workflows.push(
          manualWorkflow('Quick', [{ name: 'Echo', actionType: 'BUILD', command: 'echo done' }]),
        );
      },
    });
    workflowId = (await discover(h.api, 'Quick')).workflow.id;
  });
  after(async () => {
    await h?.close().catch(() => {});
    await cluster?.destroy();
  });

  const ask = async (method: 'GET' | 'POST'): Promise<Answer> => {
    const r =
      method === 'GET'
        ? await h.api.request('GET', `/v1/ciWorkflows/${workflowId}/buildRuns`)
        : await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflowId));
    return { status: r.status, json: r.json, retryAfter: r.headers.get('retry-after') };
  };

  test('requests during a restart succeed or get 503; afterwards all succeed', async (t) => {
    const answers: Answer[] = [];
    let restarting = true;
    const load = async (method: 'GET' | 'POST') => {
      while (restarting) {
        answers.push(await ask(method));
        await sleep(10);
      }
    };
    const loads = [load('GET'), load('GET'), load('POST')];
    await sleep(200);
    await cluster.restart();
    restarting = false;
    await Promise.all(loads);

    const failed = answers.filter((a) => a.status >= 300);
    for (const a of failed) assertUnavailable(a);
    for (const a of answers.filter((a) => a.status < 300)) assert.ok([200, 201].includes(a.status));
    t.diagnostic(`${answers.length} requests during the restart, ${failed.length} answered 503`);

    // The pool drops connections the restart killed; within a few tries all is well again.
    await eventually(async () => assert.equal((await ask('GET')).status, 200));
    for (let i = 0; i < 10; i++) assert.equal((await ask('GET')).status, 200);
  });

  test('while the server is down requests get 503; once it is back runs are built', async () => {
    const before = await ask('POST');
    assert.equal(before.status, 201);

    await cluster.stop();
    try {
      for (const method of ['GET', 'POST', 'GET'] as const) assertUnavailable(await ask(method));
    } finally {
      await cluster.start();
    }

    await eventually(async () => assert.equal((await ask('GET')).status, 200));
    const started = await ask('POST');
    assert.equal(started.status, 201);
    // Numbers go on from where they were: nothing was taken by the failed starts.
    assert.equal(started.json.data.attributes.number, before.json.data.attributes.number + 1);
    // The runner in the same process picked up again too.
    const run = await waitForRun(h.api, started.json.data.id, 60_000);
    assert.equal(run.attributes.completionStatus, 'SUCCEEDED');
  });
});

async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(200);
    }
  }
}
