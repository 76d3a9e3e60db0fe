/** Makes the demo's sample repository and products file from examples/. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dana Ito',
      GIT_AUTHOR_EMAIL: 'dana@example.com',
      GIT_COMMITTER_NAME: 'Dana Ito',
      GIT_COMMITTER_EMAIL: 'dana@example.com',
    },
  }).trim();
}

/** A real git repository holding the sample app, on branch main with one commit. */
export function createSampleRepository(dir: string): { path: string; commit: string } {
  mkdirSync(dir, { recursive: true });
  cpSync(join(examples, 'sample-app'), dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'Add the greeter and its tests');
  git(dir, 'tag', 'v1.0');
  return { path: dir, commit: git(dir, 'rev-parse', 'HEAD') };
}

/** The example products file, pointed at `repositoryPath`, written to `file`. */
export function writeSampleConfig(file: string, repositoryPath: string): void {
  const config = JSON.parse(readFileSync(join(examples, 'stratus.config.json'), 'utf8'));
  config.products[0].repository.url = repositoryPath;
  writeFileSync(file, JSON.stringify(config, null, 2));
}
