import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import { discover, startBody, startHarness, waitForRun, type Harness } from '../support/harness.ts';

async function zipEntries(bytes: Buffer): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-zip-'));
  const file = join(dir, 'bundle.zip');
  await writeFile(file, bytes);
  return new Promise((resolve, reject) => {
    const out = new Map<string, string>();
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

describe('a real build, started and read back over the API', () => {
  let h: Harness;
  let run: any;
  let actions: any[];

  before(async () => {
    h = await startHarness({ runners: 1 });
    const ids = await discover(h.api);
    const started = await h.api.request(
      'POST',
      '/v1/ciBuildRuns',
      startBody(ids.workflow.id, ids.ref('refs/heads/main').id),
    );
    assert.equal(started.status, 201);
    run = await waitForRun(h.api, started.json.data.id);
    actions = await h.api.all(`/v1/ciBuildRuns/${run.id}/actions`);
  });
  after(() => h.close());

  test('the run completes FAILED because a required test failed, with dates set in order', () => {
    const a = run.attributes;
    assert.equal(a.executionProgress, 'COMPLETE');
    assert.equal(a.completionStatus, 'FAILED');
    assert.ok(a.createdDate <= a.startedDate && a.startedDate <= a.finishedDate);
    assert.deepEqual(a.issueCounts, {
      analyzerWarnings: 0,
      errors: 0,
      testFailures: 1,
      warnings: 2,
    });
  });

  test('the build action succeeds with the compiler warning as a WARNING issue', async () => {
    const build = actions.find((x) => x.attributes.actionType === 'BUILD');
    assert.equal(build.attributes.completionStatus, 'SUCCEEDED');
    assert.deepEqual(build.attributes.issueCounts, {
      analyzerWarnings: 0,
      errors: 0,
      testFailures: 0,
      warnings: 1,
    });
    const issues = await h.api.all(`/v1/ciBuildActions/${build.id}/issues`);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].attributes.issueType, 'WARNING');
    assert.deepEqual(issues[0].attributes.fileSource, { path: 'src/greeting.c', lineNumber: 6 });
    assert.match(issues[0].attributes.message, /unused variable .unused_length./);
  });

  test('the test action fails with three results from the real test runner, one FAILURE', async () => {
    const testAction = actions.find((x) => x.attributes.actionType === 'TEST');
    assert.equal(testAction.attributes.completionStatus, 'FAILED');
    const results = await h.api.all(`/v1/ciBuildActions/${testAction.id}/testResults`);
    const byName = new Map(results.map((r) => [r.attributes.name, r.attributes]));
    assert.equal(byName.get('greets by name').status, 'SUCCESS');
    assert.equal(byName.get('greets the world when no name is given').status, 'SUCCESS');
    const failed = byName.get('shouts when the name is in capitals');
    assert.equal(failed.status, 'FAILURE');
    assert.match(failed.message, /HELLO, ADA!/);
    const issues = await h.api.all(`/v1/ciBuildActions/${testAction.id}/issues`);
    const failures = issues.filter((i) => i.attributes.issueType === 'TEST_FAILURE');
    assert.equal(failures.length, 1);
    // Counts roll up: the run's sums equal its actions'.
    const sum = actions.reduce((n, x) => n + x.attributes.issueCounts.warnings, 0);
    assert.equal(run.attributes.issueCounts.warnings, sum);
  });

  test("each action has a LOG_BUNDLE downloadable without a token, holding the hooks' output", async () => {
    for (const action of actions) {
      const [artifact] = (await h.api.all(`/v1/ciBuildActions/${action.id}/artifacts`)).filter(
        (x) => x.attributes.fileType === 'LOG_BUNDLE',
      );
      assert.ok(artifact, `no log bundle for ${action.attributes.name}`);
      assert.equal(
        artifact.attributes.fileName,
        `Greeter Build 1 Logs for ${action.attributes.name}.zip`,
      );
      const response = await fetch(artifact.attributes.downloadUrl);
      assert.equal(response.status, 200);
      const bytes = Buffer.from(await response.arrayBuffer());
      assert.equal(bytes.length, artifact.attributes.fileSize);
      const entries = await zipEntries(bytes);
      const all = [...entries.values()].join('\n');
      assert.match(all, /ci_post_clone: Greeter build 1 of CI at [0-9a-f]{40} \(main\)/);
      assert.match(all, /ci_post_xcodebuild: the build tool exited with \d/);
    }
  });

  test('a tampered or expired download link is refused', async () => {
    const [artifact] = await h.api.all(`/v1/ciBuildActions/${actions[0].id}/artifacts`);
    const url = new URL(artifact.attributes.downloadUrl);
    url.searchParams.set('e', String(Number(url.searchParams.get('e')) + 60));
    const tampered = await fetch(url);
    assert.equal(tampered.status, 403);
    assert.equal((await tampered.json()).errors[0].code, 'FORBIDDEN_ERROR');
  });

  test('includes from a run reach its workflow, product and reference', async () => {
    const doc = await h.api.get(
      `/v1/ciBuildRuns/${run.id}?include=workflow,product,sourceBranchOrTag&fields[ciWorkflows]=name`,
    );
    const types = doc.included.map((r: any) => r.type).sort();
    assert.deepEqual(types, ['ciProducts', 'ciWorkflows', 'scmGitReferences']);
    assert.deepEqual(doc.included.find((r: any) => r.type === 'ciWorkflows').attributes, {
      name: 'CI',
    });
    assert.ok(doc.data.relationships.workflow.data.id);
    const back = await h.api.get(`/v1/ciBuildActions/${actions[0].id}/buildRun`);
    assert.equal(back.data.id, run.id);
    const builds = await h.api.get(`/v1/ciBuildRuns/${run.id}/builds`);
    assert.deepEqual(builds.data, []);
    // The products file's command and testReports never reach API responses.
    const workflow = await h.api.get(`/v1/ciWorkflows/${doc.data.relationships.workflow.data.id}`);
    const text = JSON.stringify(workflow);
    assert.ok(!text.includes('testReports') && !text.includes('"command"'));
  });
});
