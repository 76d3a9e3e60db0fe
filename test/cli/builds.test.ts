import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/harness.ts';
import { harnessEnv, runCli } from '../support/run-cli.ts';
import { AscClient } from '../../src/client/index.ts';
import { watchRun } from '../../src/cli/watch-run.ts';

describe('the stratus command against a real server building the sample app', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);

  before(async () => {
    h = await startHarness({ runners: 1 });
    env = harnessEnv(h);
  });
  after(() => h.close());

  test('products list: a table, the exact data with --json, ids with --quiet', async () => {
    const table = await cli('products', 'list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+TYPE\s+CREATED\s+ID\nGreeter\s+APP\s+\d{4}-\d\d-\d\d /);

    const json = await cli('products', 'list', '--json');
    const products = JSON.parse(json.stdout);
    assert.equal(products.length, 1);
    assert.equal(products[0].type, 'ciProducts');
    assert.equal(products[0].attributes.name, 'Greeter');

    // A base URL copied with its /v1 works the same.
    const quiet = await cli('products', 'list', '-q', '--base-url', `${h.stratus.url}/v1/`);
    assert.equal(quiet.stdout, `${products[0].id}\n`);
  });

  test('workflows show resolves a name to the workflow and prints its document', async () => {
    const r = await cli('workflows', 'show', 'CI', '--json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.data.type, 'ciWorkflows');
    assert.equal(doc.data.attributes.name, 'CI');
    assert.deepEqual(doc.included.map((x: any) => x.type).sort(), [
      'ciProducts',
      'scmRepositories',
    ]);
    const table = await cli('workflows', 'show', doc.data.id);
    assert.match(table.stdout, /Build - macOS\s+BUILD\s+MACOS\s+Greeter\s+yes/);
  });

  test("refs list shows the workflow repository's branches and tags", async () => {
    const r = await cli('refs', 'list', '--workflow', 'CI', '--json');
    assert.equal(r.code, 0, r.stderr);
    const refs = JSON.parse(r.stdout).map((x: any) => `${x.attributes.kind} ${x.attributes.name}`);
    assert.deepEqual(refs.sort(), ['BRANCH main', 'TAG v1.0']);
    const byName = await cli('refs', 'list', '--repository', 'repo');
    assert.match(byName.stdout, /BRANCH\s+main\s+refs\/heads\/main/);
  });

  test('builds start --wait follows the run and exits 1 for its FAILED outcome', async () => {
    const r = await cli(
      ...['builds', 'start', '--workflow', 'CI', '--branch', 'main'],
      ...['--wait', '--interval', '0.2', '--timeout', '120'],
    );
    assert.equal(r.code, 1, r.stderr);
    // Not a terminal: one plain line per change, never the same twice in a row.
    const progress = r.stderr.split('\n').filter((l) => /^\s+\d+\.\ds  /.test(l));
    assert.ok(progress.length >= 2, r.stderr);
    const states = progress.map((l) => l.replace(/^\s+\d+\.\ds  /, '').replace(/ \(.*\)$/, ''));
    assert.equal(new Set(states).size, states.length);
    assert.match(progress.at(-1)!, /FAILED \| Build - macOS: SUCCEEDED \| Test - macOS: FAILED/);
    assert.match(r.stderr, /^Started Greeter build 1 of 'CI' on branch main: [0-9a-f-]{36}$/m);
    assert.match(r.stdout, /^Greeter build 1 of 'CI': FAILED in .* 1 test failure, 2 warnings$/m);
    assert.match(r.stdout, /Test - macOS\s+FAILED\s+\S+\s+0E 1W 1TF/);
  });

  test('builds list and show find the run by build number within the workflow', async () => {
    const list = await cli('builds', 'list', '--workflow', 'CI', '--json');
    assert.equal(list.code, 0, list.stderr);
    const [run] = JSON.parse(list.stdout);
    assert.equal(run.attributes.number, 1);
    assert.equal(run.attributes.completionStatus, 'FAILED');

    const show = await cli('builds', 'show', '1', '--workflow', 'CI', '--json');
    const doc = JSON.parse(show.stdout);
    assert.equal(doc.data.id, run.id);
    assert.ok(
      doc.included.some((x: any) => x.type === 'scmGitReferences' && x.attributes.name === 'main'),
    );

    const table = await cli('builds', 'list', '--product', 'Greeter', '--status', 'failed');
    assert.match(table.stdout, /^1\s+FAILED\s+CI\s+main\s/m);
    const none = await cli('builds', 'list', '--product', 'Greeter', '--status', 'SUCCEEDED', '-q');
    assert.equal(none.stdout, '');
  });

  test('builds issues, tests and actions read what each action produced', async () => {
    const issues = await cli(
      'builds',
      'issues',
      '1',
      '--product',
      'Greeter',
      '--type',
      'TEST_FAILURE',
      '--json',
    );
    assert.equal(issues.code, 0, issues.stderr);
    const parsed = JSON.parse(issues.stdout);
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].attributes.issueType, 'TEST_FAILURE');

    const warnings = await cli('builds', 'issues', '1', '--workflow', 'CI', '--type', 'warning');
    assert.match(warnings.stdout, /Build - macOS\s+WARNING\s+src\/greeting\.c:6\s+unused variable/);

    const tests = await cli('builds', 'tests', '1', '--workflow', 'CI', '--failed');
    assert.match(tests.stdout, /FAILURE\s+.*shouts when the name is in capitals/);
    assert.doesNotMatch(tests.stdout, /greets by name/);

    const actions = await cli('builds', 'actions', '1', '--workflow', 'CI', '--json');
    assert.deepEqual(
      JSON.parse(actions.stdout).map((a: any) => [
        a.attributes.name,
        a.attributes.completionStatus,
      ]),
      [
        ['Build - macOS', 'SUCCEEDED'],
        ['Test - macOS', 'FAILED'],
      ],
    );
  });

  test("builds logs prints the text inside each action's log bundle", async () => {
    const r = await cli('builds', 'logs', '1', '--workflow', 'CI');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^==> Build - macOS \/ .+ <==$/m);
    assert.match(r.stdout, /^==> Test - macOS \/ .+ <==$/m);
    assert.match(r.stdout, /ci_post_clone: Greeter build 1 of CI at [0-9a-f]{40} \(main\)/);
  });

  test('artifacts download writes each LOG_BUNDLE at its full size', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stratus-artifacts-'));
    const r = await cli(
      'artifacts',
      'download',
      '1',
      '--workflow',
      'CI',
      '--type',
      'LOG_BUNDLE',
      '--out',
      out,
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const artifacts = JSON.parse(r.stdout);
    assert.equal(artifacts.length, 2);
    assert.deepEqual(
      readdirSync(out).sort(),
      artifacts.map((a: any) => a.attributes.fileName).sort(),
    );
    for (const a of artifacts) {
      assert.equal(statSync(join(out, a.attributes.fileName)).size, a.attributes.fileSize);
    }
  });

  test('a rebuild by number and a tag build start runs with the right references', async () => {
    const rebuild = await cli(
      'builds',
      'start',
      '--workflow',
      'CI',
      '--rebuild',
      '1',
      '--wait',
      '--interval',
      '0.2',
      '--json',
    );
    assert.equal(rebuild.code, 1, rebuild.stderr);
    const doc = JSON.parse(rebuild.stdout);
    assert.equal(doc.data.attributes.startReason, 'MANUAL_REBUILD');
    assert.equal(doc.data.attributes.executionProgress, 'COMPLETE');

    const tag = await cli('builds', 'start', '--workflow', 'CI', '--tag', 'v1.0', '--quiet');
    assert.equal(tag.code, 0, tag.stderr);
    const id = tag.stdout.trim();
    const show = JSON.parse((await cli('builds', 'show', id, '--json')).stdout);
    const ref = show.included.find((x: any) => x.type === 'scmGitReferences');
    assert.equal(ref.attributes.canonicalName, 'refs/tags/v1.0');
  });

  test('a pull request number resolves through the repository, which here lists none', async () => {
    const r = await cli('builds', 'start', '--workflow', 'CI', '--pull-request', '7');
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^stratus: no open pull request #7 in repository 'repo'; open pull requests: none/,
    );
  });

  test('on a terminal, --wait redraws one block in place until the run completes', async () => {
    const client = new AscClient({ baseUrl: h.stratus.url, credentials: { ...h.key } });
    const [workflow] = await client.listWorkflows((await client.listProducts().all())[0]!.id).all();
    const { data: run } = await client.startBuildRun({ workflowId: workflow!.id });
    // A terminal stand-in that keeps what is written to it.
    const writes: string[] = [];
    const stream = { isTTY: true, write: (text: string) => writes.push(text) };
    const result = await watchRun(client, run.id, {
      intervalMs: 100,
      timeoutMs: 120_000,
      stream: stream as unknown as NodeJS.WriteStream,
      title: 'build',
    });
    assert.equal(result.timedOut, false);
    assert.equal(result.run.attributes?.completionStatus, 'FAILED');
    assert.ok(writes.length >= 2);
    // Each redraw first moves up over the previous block's three lines and clears below.
    assert.ok(!writes[0]!.startsWith('\x1b['));
    for (const later of writes.slice(1)) assert.ok(later.startsWith('\x1b[3F\x1b[J'), later);
    const last = writes.at(-1)!.split('\n');
    assert.match(last[0]!, /^\x1b\[3F\x1b\[Jbuild  FAILED  \S+$/);
    assert.match(last[1]!, /^ {2}Build - macOS +SUCCEEDED +\S+ +1 warning$/);
    assert.match(last[2]!, /^ {2}Test - macOS +FAILED +\S+ +1 test failure, 1 warning$/);
  });
});
