/**
 * The store's queries answer the same on SQLite and PostgreSQL: run this file
 * with STRATUS_TEST_DATABASE=sqlite or postgres (npm test does both).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.ts';
import type { NewBuildAction, NewBuildRun } from '../../src/store/build-run-repository.ts';
import { createTestDatabase, testDialect, type TestDatabase } from './../support/test-database.ts';

async function seed(store: Store) {
  const product = (await store.catalog.applyFileProduct(
    {
      name: 'Greeter',
      productType: 'APP',
      bundleId: 'com.example.greeter',
      appId: null,
      teamId: 'TEAM',
    },
    'digest',
  ))!;
  const repository = await store.catalog.upsertRepository({
    url: '/srv/greeter.git',
    owner_name: null,
    repository_name: 'greeter',
    http_clone_url: null,
    ssh_clone_url: null,
    default_branch: 'main',
  });
  const workflow = await store.catalog.createWorkflow({
    product_id: product.id,
    is_locked_for_editing: 0,
    xcode_version_id: null,
    macos_version_id: null,
    repository_id: repository.id,
    name: 'CI',
    description: '',
    is_enabled: 1,
    clean: 0,
    container_file_path: null,
    start_conditions: '{}',
    actions: '[]',
  });
  const newRun: NewBuildRun = {
    product_id: product.id,
    workflow_id: workflow.id,
    source_commit: null,
    destination_commit: null,
    is_pull_request_build: 0,
    start_reason: 'MANUAL',
    source_ref_id: null,
    destination_ref_id: null,
    pull_request_id: null,
    clean: 0,
    plan: JSON.stringify({ note: 'ünïcode ✓', nested: { n: 1 } }),
  };
  const action = { name: 'Build', action_type: 'BUILD', is_required_to_pass: 1, spec: '{}' };
  return { product, repository, workflow, newRun, action };
}

describe(`store queries on ${testDialect}`, () => {
  let database: TestDatabase;
  let store: Store;
  let fixture: Awaited<ReturnType<typeof seed>>;

  before(async () => {
    database = await createTestDatabase();
    store = await Store.open(database.location);
    fixture = await seed(store);
  });
  /**
   * On PostgreSQL a second handle is a second pool, so that work truly overlaps. SQLite's
   * driver is synchronous: two connections in one process would wait on each other's lock
   * while blocking the thread that could release it, so both names share one connection.
   */
  async function secondHandle(): Promise<{ runs: Store['runs']; close(): Promise<void> }> {
    if (testDialect === 'sqlite') return { runs: store.runs, close: async () => {} };
    return Store.open(database.location);
  }

  /** Creates a run of the seeded workflow, which nothing deletes here. */
  async function created(runs: Store['runs'], actions: NewBuildAction[]) {
    const run = await runs.create(fixture.newRun, actions);
    assert.ok(run);
    return run;
  }

  after(async () => {
    await store?.close();
    await database?.drop();
  });

  test('concurrent starts get numbers 1…n with no gap, each with its actions', async () => {
    const other = await secondHandle();
    try {
      const runs = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          created((i % 2 ? other : store).runs, [fixture.action, fixture.action]),
        ),
      );
      const numbers = runs.map((r) => r.number).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
      for (const run of runs) {
        const actions = await store.runs.actionsOfRun(run.id);
        assert.deepEqual(
          actions.map((a) => a.position),
          [0, 1],
        );
      }
      const [product] = await store.catalog.products([fixture.product.id]);
      assert.equal(product!.next_build_number, 25);
    } finally {
      await other.close();
    }
  });

  test('runs page by number in both directions with the same rows on every page', async () => {
    const seen: number[] = [];
    let after: [string | number, string] | null = null;
    for (;;) {
      const page = await store.runs.listRuns({ productId: fixture.product.id }, true, {
        limit: 5,
        after,
      });
      assert.equal(page.total, 24);
      assert.equal(typeof page.total, 'number');
      seen.push(...page.rows.map((r) => r.number));
      if (!page.next) break;
      after = page.next;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 24 }, (_, i) => 24 - i),
    );
  });

  test('claims by many at once hand each run to exactly one owner', async () => {
    const other = await secondHandle();
    try {
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : store).runs.claim(`owner-${i}`, 60_000),
        ),
      );
      const claimed = claims.filter((c) => c !== undefined);
      assert.equal(claimed.length, 24);
      assert.equal(new Set(claimed.map((c) => c.id)).size, 24);
      for (const c of claimed) assert.equal(c.attempts, 1);
    } finally {
      await other.close();
    }
  });

  test('a lapsed lease is found by time and released only while it is the same lease', async () => {
    const run = await created(store.runs, []);
    const claimed = await store.runs.claim('short', 1);
    assert.equal(claimed?.id, run.id);
    const lapsed = await store.runs.lapsed(new Date(Date.now() + 1000));
    assert.ok(lapsed.some((r) => r.id === run.id));
    assert.equal(await store.runs.renew(run.id, 'someone-else', 1000), false);
    assert.equal(await store.runs.release(claimed!), true);
    assert.equal(await store.runs.release(claimed!), false);
    const [back] = await store.runs.runs([run.id]);
    assert.equal(back!.lease_owner, null);
  });

  test('run summaries hold every column but the plan and the queue bookkeeping', async () => {
    const first = await created(store.runs, [fixture.action]);
    const second = await created(store.runs, []);
    const hidden = ['plan', 'lease_owner', 'lease_expires_at', 'attempts', 'requires_xcode'];
    const summary = (run: object): { id: string } =>
      Object.fromEntries(Object.entries(run).filter(([name]) => !hidden.includes(name))) as {
        id: string;
      };
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);

    assert.deepEqual(await store.runs.runSummaries([first.id]), [summary(first)]);
    const both = await store.runs.runSummaries([first.id, second.id, 'no-such-run']);
    assert.deepEqual(both.sort(byId), [summary(first), summary(second)].sort(byId));
    assert.deepEqual(await store.runs.runSummaries(['no-such-run']), []);
    assert.deepEqual(await store.runs.runSummaries([]), []);
  });

  test('integers, flags, JSON text and large sizes read back as they were written', async () => {
    const [run] = await store.runs.runs([(await created(store.runs, [fixture.action])).id]);
    assert.equal(run!.is_pull_request_build, 0);
    assert.equal(run!.clean, 0);
    assert.deepEqual(JSON.parse(run!.plan), { note: 'ünïcode ✓', nested: { n: 1 } });
    const [workflow] = await store.catalog.workflows([fixture.workflow.id]);
    assert.equal(workflow!.is_enabled, 1);

    const [action] = await store.runs.actionsOfRun(run!.id);
    const artifact = await store.records.addArtifact(action!.id, {
      fileType: 'LOG_BUNDLE',
      fileName: 'logs.zip',
      fileSize: 5_000_000_123,
      storageKey: 'k',
    });
    assert.equal(artifact.file_size, 5_000_000_123);
    assert.equal(typeof artifact.seq, 'number');

    await store.records.addIssues(action!.id, [
      { issueType: 'ERROR', message: 'a', fileSource: null, category: null },
      {
        issueType: 'ERROR',
        message: 'b',
        fileSource: { path: 'x.c', lineNumber: 3 },
        category: null,
      },
      { issueType: 'WARNING', message: 'c', fileSource: null, category: null },
    ]);
    const counts = await store.records.countIssues(action!.id);
    assert.equal(counts.errors, 2);
    assert.equal(counts.warnings, 1);
    const issues = await store.records.listIssues(action!.id, { limit: 2, after: null });
    assert.deepEqual(
      issues.rows.map((i) => i.message),
      ['a', 'b'],
    );
    assert.equal(issues.rows[1]!.line_number, 3);
  });

  test('git references sort by bytes, as SQLite does, whatever the server collation', async () => {
    const names = ['Feature', 'feature', 'a-b', 'a.b', 'a_b', 'ab', 'Zeta', 'äpfel', '1.0'];
    await store.catalog.syncReferences(
      fixture.repository.id,
      names.map((n) => ({ canonicalName: `refs/heads/${n}`, commitSha: 'c0ffee' })),
    );
    const seen: string[] = [];
    let after: [string | number, string] | null = null;
    for (;;) {
      const page = await store.catalog.listReferences(fixture.repository.id, { limit: 2, after });
      seen.push(...page.rows.map((r) => r.name));
      if (!page.next) break;
      after = page.next;
    }
    const bytes = (s: string) => Buffer.from(s);
    assert.deepEqual(
      seen,
      [...names].sort((a, b) => Buffer.compare(bytes(a), bytes(b))),
    );
  });

  test('references that go away stay, marked deleted, and keep their id on return', async () => {
    const before = await store.catalog.referenceByName(fixture.repository.id, 'refs/heads/ab');
    await store.catalog.syncReferences(fixture.repository.id, [
      { canonicalName: 'refs/heads/Feature', commitSha: 'c0ffee' },
    ]);
    const gone = await store.catalog.referenceByName(fixture.repository.id, 'refs/heads/ab');
    assert.equal(gone!.is_deleted, 1);
    await store.catalog.syncReferences(fixture.repository.id, [
      { canonicalName: 'refs/heads/ab', commitSha: 'beef' },
    ]);
    const back = await store.catalog.referenceByName(fixture.repository.id, 'refs/heads/ab');
    assert.equal(back!.id, before!.id);
    assert.equal(back!.is_deleted, 0);
    assert.equal(back!.commit_sha, 'beef');
  });

  test('concurrent reference syncs and repository records of one URL all succeed', async () => {
    const other: Store = testDialect === 'sqlite' ? store : await Store.open(database.location);
    try {
      const input = {
        url: '/srv/raced.git',
        owner_name: null,
        repository_name: 'raced',
        http_clone_url: null,
        ssh_clone_url: null,
        default_branch: 'main',
      };
      const repos = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).catalog.upsertRepository(input),
        ),
      );
      assert.equal(new Set(repos.map((r) => r.id)).size, 1);
      const refs = [
        { canonicalName: 'refs/heads/main', commitSha: 'aa' },
        { canonicalName: 'refs/tags/v1', commitSha: 'bb' },
      ];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? other : store).catalog.syncReferences(repos[0]!.id, refs),
        ),
      );
      const page = await store.catalog.listReferences(repos[0]!.id, { limit: 10, after: null });
      assert.deepEqual(
        page.rows.map((r) => [r.canonical_name, r.commit_sha, r.is_deleted]),
        [
          ['refs/heads/main', 'aa', 0],
          ['refs/tags/v1', 'bb', 0],
        ],
      );
      const product = { name: 'Raced', productType: 'APP', bundleId: null, appId: null };
      const products = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).catalog.applyFileProduct({ ...product, teamId: 'T' }, 'd'),
        ),
      );
      assert.equal(new Set(products.map((p) => p!.id)).size, 1);
      const workflow = {
        product_id: products[0]!.id,
        is_locked_for_editing: 0,
        xcode_version_id: null,
        macos_version_id: null,
        repository_id: repos[0]!.id,
        name: 'Raced CI',
        description: '',
        is_enabled: 1,
        clean: 0,
        container_file_path: null,
        start_conditions: '{}',
        actions: '[]',
      };
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).catalog.applyFileWorkflow(workflow, 'w'),
        ),
      );
      const applied = await store.catalog.listWorkflows(products[0]!.id, {
        limit: 10,
        after: null,
      });
      assert.deepEqual(
        applied.rows.map((w) => w.name),
        ['Raced CI'],
      );
    } finally {
      if (other !== store) await other.close();
    }
  });

  test('names match exactly, case included', async () => {
    assert.equal(
      await store.catalog.referenceByName(fixture.repository.id, 'refs/heads/FEATURE'),
      undefined,
    );
    await store.catalog.linkRepository(fixture.product.id, fixture.repository.id, 'PRIMARY');
    await store.catalog.linkRepository(fixture.product.id, fixture.repository.id, 'ADDITIONAL');
    assert.deepEqual(await store.catalog.productRepositoryIds(fixture.product.id, 'PRIMARY'), []);
    assert.deepEqual(await store.catalog.productRepositoryIds(fixture.product.id, 'ADDITIONAL'), [
      fixture.repository.id,
    ]);
  });
});
