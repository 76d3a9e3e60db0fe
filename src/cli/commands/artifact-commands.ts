/** `builds logs` and `artifacts download`: fetching what actions left behind. */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { AscClient, CiArtifact, CiBuildAction } from '../../client/index.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, onePositional, parseCommand } from '../client-command.ts';
import { printList } from '../output.ts';
import { readZipEntries } from '../read-zip.ts';
import { resolveRun, resolveRunOrAction } from '../resolve.ts';

const scopeOptions = { workflow: { type: 'string' }, product: { type: 'string' } } as const;

const fileTypes = [
  'ARCHIVE',
  'ARCHIVE_EXPORT',
  'LOG_BUNDLE',
  'RESULT_BUNDLE',
  'TEST_PRODUCTS',
  'XCODEBUILD_PRODUCTS',
  'STAPLED_NOTARIZED_ARCHIVE',
];

async function artifactsOf(
  client: AscClient,
  actions: CiBuildAction[],
  types: string[] | undefined,
): Promise<{ id: string; action: CiBuildAction; artifact: CiArtifact }[]> {
  const found = [];
  for (const action of actions) {
    for await (const artifact of client.listArtifacts(action.id, { limit: 200 })) {
      if (!types || types.includes(artifact.attributes?.fileType ?? '')) {
        found.push({ id: artifact.id, action, artifact });
      }
    }
  }
  return found;
}

export async function buildsLogs(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...scopeOptions,
    action: { type: 'string' },
  });
  const value = onePositional(positionals, 'run');
  const { client, out } = createContext(values);
  const run = await resolveRun(client, value, values);
  let actions = await client.listBuildActions(run.id, { limit: 200 }).all();
  if (values.action) {
    actions = actions.filter((a) => a.attributes?.name === values.action || a.id === values.action);
    if (actions.length === 0) throw new UsageError(`no action '${values.action}' in this run`);
  }
  const bundles = await artifactsOf(client, actions, ['LOG_BUNDLE']);
  if (bundles.length === 0) {
    if (run.attributes?.executionProgress === 'COMPLETE') {
      // An action bundles its log as it ends; one ended from outside (its runner stopped
      // or was lost) has none.
      out.note(
        `run ${run.attributes?.number ?? run.id} is complete and has no log bundles ` +
          '(its actions ended before they bundled their logs, e.g. their runner stopped)',
      );
    } else {
      out.note('no log bundles yet: actions get theirs when they finish');
    }
    return 0;
  }
  for (const { action, artifact } of bundles) {
    const bytes = await client.download(artifact.attributes!.downloadUrl!);
    for (const entry of await readZipEntries(bytes)) {
      out.line(`==> ${action.attributes?.name} / ${entry.name} <==`);
      out.line(entry.text.replace(/\n$/, ''));
      out.line();
    }
  }
  return 0;
}

export async function artifactsDownload(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...scopeOptions,
    type: { type: 'string' },
    out: { type: 'string' },
  });
  const value = onePositional(positionals, 'run or action');
  const types = values.type?.toUpperCase().split(',');
  const bad = types?.find((t) => !fileTypes.includes(t));
  if (bad) throw new UsageError(`--type '${bad}' is not one of ${fileTypes.join(', ')}`);
  const { client, out } = createContext(values);

  const target = await resolveRunOrAction(client, value, values);
  const actions =
    'action' in target
      ? [target.action]
      : await client.listBuildActions(target.run.id, { limit: 200 }).all();
  const artifacts = await artifactsOf(client, actions, types);
  const dir = resolve(values.out ?? '.');
  await mkdir(dir, { recursive: true });

  const saved: { id: string; type: string; size: string; path: string; artifact: CiArtifact }[] =
    [];
  for (const { artifact } of artifacts) {
    const a = artifact.attributes!;
    // The name comes from the server: keep only its last part so it cannot climb out of --out.
    const path = join(dir, basename(a.fileName || `${artifact.id}.zip`));
    await writeFile(path, await client.download(a.downloadUrl!));
    saved.push({
      id: artifact.id,
      type: a.fileType ?? '',
      size: String(a.fileSize ?? ''),
      path,
      artifact,
    });
  }
  if (out.json)
    return (
      out.line(
        JSON.stringify(
          saved.map((s) => s.artifact),
          null,
          2,
        ),
      ),
      0
    );
  if (out.quiet) return (saved.forEach((s) => out.line(s.path)), 0);
  printList(out, saved, ['TYPE', 'BYTES', 'FILE'], (s) => [s.type, s.size, s.path], 'no artifacts');
  return 0;
}
