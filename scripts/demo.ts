/**
 * The demo: from nothing, a sample repository, a products file, an API key and
 * a server; then a build started and watched over the App Store Connect API
 * exactly as any client would. `-- --serve` keeps the server up afterwards.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadSettings } from '../src/config/settings.ts';
import { startStratus } from '../src/app.ts';
import { Store } from '../src/store/store.ts';
import { createKeyFile } from '../src/cli/keys-create.ts';
import { createSampleRepository, writeSampleConfig } from './sample-project.ts';
import { AscFetch } from './asc-fetch.ts';

const serve = process.argv.includes('--serve');
const out = (line = '') => process.stdout.write(`${line}\n`);
const dataDir = resolve(process.env.STRATUS_DEMO_DIR ?? '.stratus-demo');

async function main(): Promise<number> {
  rmSync(dataDir, { recursive: true, force: true });
  const repo = createSampleRepository(join(dataDir, 'sample-app-repo'));
  const configPath = join(dataDir, 'stratus.config.json');
  writeSampleConfig(configPath, repo.path);
  out(`Sample repository: ${repo.path} (commit ${repo.commit.slice(0, 12)})`);

  const settings = loadSettings({
    data: join(dataDir, 'server'),
    config: configPath,
    port: serve ? (process.env.STRATUS_PORT ?? '8080') : '0',
  });
  const keyStore = await Store.open(settings.database);
  const key = await createKeyFile(keyStore, { name: 'demo', role: 'ADMIN', outDir: dataDir });
  await keyStore.close();
  out(`API key ${key.keyId}, issuer ${key.issuerId}: ${key.privateKeyPath}`);

  const logger = pino({ level: process.env.STRATUS_LOG_LEVEL ?? 'warn' });
  const stratus = await startStratus(settings, { logger });
  out(`Server: ${stratus.url}/v1`);
  const api = new AscFetch(stratus.url, {
    issuerId: key.issuerId,
    keyId: key.keyId,
    privateKeyPem: readFileSync(key.privateKeyPath, 'utf8'),
  });

  const [product] = await api.all('/v1/ciProducts');
  const [workflow] = await api.all(`/v1/ciProducts/${product.id}/workflows`);
  const repository = (await api.get(`/v1/ciWorkflows/${workflow.id}/repository`)).data;
  const refs = await api.all(`/v1/scmRepositories/${repository.id}/gitReferences?limit=200`);
  const main = refs.find(
    (r) => r.attributes.canonicalName === 'refs/heads/main' && !r.attributes.isDeleted,
  );

  const started = await api.request('POST', '/v1/ciBuildRuns', {
    data: {
      type: 'ciBuildRuns',
      attributes: { clean: false },
      relationships: {
        workflow: { data: { type: 'ciWorkflows', id: workflow.id } },
        sourceBranchOrTag: { data: { type: 'scmGitReferences', id: main.id } },
      },
    },
  });
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.json)}`);
  const run = started.json.data;
  out(
    `\nStarted ${product.attributes.name} build ${run.attributes.number} of '${workflow.attributes.name}' on main`,
  );

  let last = '';
  let current = run;
  const began = Date.now();
  while (current.attributes.executionProgress !== 'COMPLETE') {
    await new Promise((r) => setTimeout(r, 300));
    current = (await api.get(`/v1/ciBuildRuns/${run.id}`)).data;
    const actions = await api.all(`/v1/ciBuildRuns/${run.id}/actions`);
    const line = actions
      .map(
        (a) =>
          `${a.attributes.name}: ${a.attributes.completionStatus ?? a.attributes.executionProgress}`,
      )
      .join(' | ');
    const status = `${current.attributes.executionProgress.padEnd(8)} ${line}`;
    if (status !== last)
      out(`  ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s  ${status}`);
    last = status;
    if (Date.now() - began > 10 * 60_000) throw new Error('the build did not finish in 10 minutes');
  }

  const a = current.attributes;
  out(`\nBuild ${a.number}: ${a.completionStatus}`);
  out(
    `  commit ${a.sourceCommit.commitSha.slice(0, 12)} "${a.sourceCommit.message.trim()}" by ${a.sourceCommit.author.displayName}`,
  );
  out(`  created ${a.createdDate}, started ${a.startedDate}, finished ${a.finishedDate}`);
  out(`  issues: ${JSON.stringify(a.issueCounts)}`);

  for (const action of await api.all(`/v1/ciBuildRuns/${run.id}/actions`)) {
    const x = action.attributes;
    out(`\n${x.name} (${x.actionType}): ${x.completionStatus}  ${JSON.stringify(x.issueCounts)}`);
    for (const issue of await api.all(`/v1/ciBuildActions/${action.id}/issues`)) {
      const i = issue.attributes;
      const where = i.fileSource ? `${i.fileSource.path}:${i.fileSource.lineNumber}` : '-';
      out(`  ${i.issueType.padEnd(12)} ${where}  ${i.message.split('\n')[0]}`);
    }
    for (const result of await api.all(`/v1/ciBuildActions/${action.id}/testResults`)) {
      const t = result.attributes;
      out(`  test ${t.status.padEnd(8)} ${t.className} › ${t.name}`);
    }
    for (const artifact of await api.all(`/v1/ciBuildActions/${action.id}/artifacts`)) {
      const f = artifact.attributes;
      out(`  ${f.fileType} "${f.fileName}" (${f.fileSize} bytes)\n    ${f.downloadUrl}`);
    }
  }

  if (serve) {
    out(`\nServing at ${stratus.url}/v1 — press Ctrl-C to stop.`);
    await new Promise<void>((resolveStop) => process.once('SIGINT', () => resolveStop()));
  }
  await stratus.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
