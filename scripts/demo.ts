/**
 * The demo: from nothing, a sample repository, a products file, an API key and
 * a server; then a build started and watched over the App Store Connect API
 * exactly as any client would. `-- --serve` keeps the server up afterwards.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadSettings } from '../src/config/settings.ts';
import { startStratus } from '../src/app.ts';
import { Store } from '../src/store/store.ts';
import { createKeyFile } from '../src/cli/keys-create.ts';
import { createSampleRepository, writeSampleConfig } from './sample-project.ts';
import { AscClient } from '../src/client/index.ts';

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
  const client = new AscClient({
    baseUrl: stratus.url,
    credentials: { issuerId: key.issuerId, keyId: key.keyId, privateKeyPath: key.privateKeyPath },
  });

  const [product] = await client.listProducts().all();
  const [workflow] = await client.listWorkflows(product!.id).all();
  const { data: repository } = await client.getWorkflowRepository(workflow!.id);
  const refs = await client.listGitReferences(repository.id, { limit: 200 }).all();
  const main = refs.find(
    (r) => r.attributes?.canonicalName === 'refs/heads/main' && !r.attributes.isDeleted,
  );

  const { data: run } = await client.startBuildRun({
    workflowId: workflow!.id,
    gitReferenceId: main!.id,
    clean: false,
  });
  out(
    `\nStarted ${product!.attributes?.name} build ${run.attributes?.number} of ` +
      `'${workflow!.attributes?.name}' on main`,
  );

  let last = '';
  let current = run;
  const began = Date.now();
  while (current.attributes?.executionProgress !== 'COMPLETE') {
    await new Promise((r) => setTimeout(r, 300));
    current = (await client.getBuildRun(run.id)).data;
    const actions = await client.listBuildActions(run.id).all();
    const line = actions
      .map(
        (a) =>
          `${a.attributes?.name}: ` +
          `${a.attributes?.completionStatus ?? a.attributes?.executionProgress}`,
      )
      .join(' | ');
    const status = `${current.attributes?.executionProgress?.padEnd(8)} ${line}`;
    if (status !== last)
      out(`  ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s  ${status}`);
    last = status;
    if (Date.now() - began > 10 * 60_000) throw new Error('the build did not finish in 10 minutes');
  }

  const a = current.attributes!;
  out(`\nBuild ${a.number}: ${a.completionStatus}`);
  out(
    `  commit ${a.sourceCommit?.commitSha?.slice(0, 12)} "${a.sourceCommit?.message?.trim()}" ` +
      `by ${a.sourceCommit?.author?.displayName}`,
  );
  out(`  created ${a.createdDate}, started ${a.startedDate}, finished ${a.finishedDate}`);
  out(`  issues: ${JSON.stringify(a.issueCounts)}`);

  for await (const action of client.listBuildActions(run.id)) {
    const x = action.attributes!;
    out(`\n${x.name} (${x.actionType}): ${x.completionStatus}  ${JSON.stringify(x.issueCounts)}`);
    for await (const issue of client.listIssues(action.id)) {
      const i = issue.attributes!;
      const where = i.fileSource ? `${i.fileSource.path}:${i.fileSource.lineNumber}` : '-';
      out(`  ${i.issueType?.padEnd(12)} ${where}  ${i.message?.split('\n')[0]}`);
    }
    for await (const result of client.listTestResults(action.id)) {
      const t = result.attributes!;
      out(`  test ${t.status?.padEnd(8)} ${t.className} › ${t.name}`);
    }
    for await (const artifact of client.listArtifacts(action.id)) {
      const f = artifact.attributes!;
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
