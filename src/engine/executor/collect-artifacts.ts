import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionPaths } from './action-paths.ts';
import type { ActionPlan, ActionSink, ArtifactFileType } from './types.ts';
import { zipDirectory } from './zip-directory.ts';

export interface ArtifactsConfig {
  plan: Pick<ActionPlan, 'run' | 'product' | 'action'>;
  paths: ActionPaths;
  sink: ActionSink;
  log: (text: string) => void;
}

interface Candidate {
  fileType: ArtifactFileType;
  folder: string;
  suffix: string;
  /** Whether the folder holds what it should, beyond merely existing. */
  complete?: (folder: string) => Promise<boolean>;
}

/**
 * Zips the bundles the action's tool left in the workspace into the
 * artifacts folder and reports each one. What is missing is skipped: a
 * custom command need not produce a result bundle. The log bundle is not
 * made here; the engine builds it from the log lines.
 */
export async function collectArtifacts(config: ArtifactsConfig): Promise<void> {
  const { plan, paths } = config;
  const base = safeFileName(
    `${plan.product.name} ${plan.run.number} ${plan.action.name ?? plan.action.actionType ?? ''}`,
  );

  for (const candidate of candidatesFor(plan.action.actionType, paths)) {
    if (!(await isDirectory(candidate.folder))) continue;
    if (candidate.complete !== undefined && !(await candidate.complete(candidate.folder))) continue;

    const fileName = `${base}${candidate.suffix}`;
    const path = join(paths.artifacts, fileName);
    await zipDirectory(candidate.folder, path);
    const { size } = await stat(path);
    config.log(`packaged ${candidate.fileType} ${fileName} (${size} bytes)`);
    config.sink.artifact({ fileType: candidate.fileType, path, fileName });
  }
}

function candidatesFor(actionType: ActionPlan['action']['actionType'], paths: ActionPaths) {
  const candidates: Candidate[] = [];
  if (actionType === 'TEST') {
    candidates.push({
      fileType: 'RESULT_BUNDLE',
      folder: paths.resultBundle,
      suffix: '.xcresult.zip',
    });
    // The products folder exists after any build; only an .xctestrun file
    // makes it something test-without-building can run again.
    candidates.push({
      fileType: 'TEST_PRODUCTS',
      folder: paths.testProducts,
      suffix: ' Test Products.zip',
      complete: async (folder) => {
        const names = await readdir(folder);
        return names.some((name) => name.endsWith('.xctestrun'));
      },
    });
  }
  if (actionType === 'ARCHIVE') {
    candidates.push({ fileType: 'ARCHIVE', folder: paths.archive, suffix: '.xcarchive.zip' });
  }
  return candidates;
}

function safeFileName(name: string): string {
  return (
    name
      .replace(/[/\\:\x00-\x1f]+/g, '-')
      .replace(/\s+/g, ' ')
      .trim() || 'artifact'
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
