/**
 * Shared set-up for the executor tests: scratch folders, real git
 * repositories, a plan with sensible defaults and a sink that keeps
 * everything it is given.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { open as openZip, type Entry } from 'yauzl';
import type { IssueRecord, TestResultRecord } from '../../../src/model/records.ts';
import type {
  ActionPlan,
  ActionSink,
  ActionStep,
  ArtifactFileType,
} from '../../../src/engine/executor/types.ts';

export const STANDIN_FOLDER = fileURLToPath(new URL('../../fixtures/xcodebuild/', import.meta.url));

export interface SinkLine {
  step: ActionStep;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
}

export class RecordingSink implements ActionSink {
  readonly lines: SinkLine[] = [];
  readonly issues: IssueRecord[] = [];
  readonly testResults: TestResultRecord[] = [];
  readonly artifacts: Array<{ fileType: ArtifactFileType; path: string; fileName: string }> = [];

  line(step: ActionStep, stream: SinkLine['stream'], text: string): void {
    this.lines.push({ step, stream, text });
  }

  issue(issue: IssueRecord): void {
    this.issues.push(issue);
  }

  testResult(result: TestResultRecord): void {
    this.testResults.push(result);
  }

  artifact(file: { fileType: ArtifactFileType; path: string; fileName: string }): void {
    this.artifacts.push(file);
  }

  /** The output lines (not system lines) of one step. */
  output(step: ActionStep): string[] {
    return this.lines.filter((l) => l.step === step && l.stream !== 'system').map((l) => l.text);
  }

  system(step: ActionStep): string[] {
    return this.lines.filter((l) => l.step === step && l.stream === 'system').map((l) => l.text);
  }
}

/** Scratch folders made by a test file, removed by `removeScratch()` in its `after` hook. */
const scratch: string[] = [];

export async function scratchDir(prefix = 'stratus-executor-'): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(path);
  return path;
}

export async function removeScratch(): Promise<void> {
  await Promise.all(scratch.splice(0).map((path) => rm(path, { recursive: true, force: true })));
}

// Commits made by the tests carry a fixed identity and ignore the
// machine's git configuration.
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Stratus Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Stratus Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

export type RepositoryFiles = Record<string, string | { text: string; executable: boolean }>;

/** Writes files into `folder` (a repository) and commits them; returns the commit. */
export async function commitFiles(
  folder: string,
  files: RepositoryFiles,
  message = 'Change',
): Promise<string> {
  for (const [path, file] of Object.entries(files)) {
    const target = join(folder, path);
    await mkdir(dirname(target), { recursive: true });
    const text = typeof file === 'string' ? file : file.text;
    await writeFile(target, text);
    await chmod(target, typeof file !== 'string' && file.executable ? 0o755 : 0o644);
  }
  git(folder, 'add', '--all');
  git(folder, 'commit', '--quiet', '--allow-empty', '-m', message);
  return git(folder, 'rev-parse', 'HEAD');
}

/** A new repository on branch main holding `files`; returns its path and commit. */
export async function makeRepository(
  files: RepositoryFiles,
): Promise<{ path: string; commit: string }> {
  const path = join(await scratchDir('stratus-source-'), 'source');
  await mkdir(path);
  git(path, 'init', '--quiet', '--initial-branch=main');
  const commit = await commitFiles(path, files, 'Initial commit');
  return { path, commit };
}

/**
 * The environment builds start from: this process's, less what would make
 * a child `node --test` report to this test run instead of on its own.
 */
export function buildEnv(pathFolders: string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('NODE_TEST') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  const system = ['/usr/local/bin', '/usr/bin', '/bin'];
  env.PATH = [...pathFolders, dirname(process.execPath), ...system].join(':');
  return env;
}

export interface PlanOptions {
  url: string;
  commit: string;
  workDir: string;
  action?: Partial<ActionPlan['action']>;
  workflow?: Partial<ActionPlan['workflow']>;
  run?: Partial<ActionPlan['run']>;
  repository?: Partial<ActionPlan['repository']>;
  cacheDir?: string | null;
  baseEnv?: Record<string, string>;
  signal?: AbortSignal;
}

export function makePlan(options: PlanOptions): ActionPlan {
  return {
    run: {
      id: '6e2f7d0c-4a1b-4c3d-9e8f-0a1b2c3d4e5f',
      number: 42,
      url: 'https://stratus.invalid/builds/6e2f7d0c-4a1b-4c3d-9e8f-0a1b2c3d4e5f',
      startCondition: 'manual',
      clean: false,
      ...options.run,
    },
    product: {
      id: 'b1c2d3e4-0000-4000-8000-000000000001',
      name: 'FieldNotes',
      bundleId: 'com.example.fieldnotes',
      teamId: 'A1B2C3D4E5',
    },
    workflow: {
      id: 'a3946af0-cc38-4e0b-acba-5575c8dad050',
      name: 'CI – main',
      containerFilePath: 'FieldNotes.xcodeproj',
      ...options.workflow,
    },
    repository: {
      url: options.url,
      commitSha: options.commit,
      ref: { kind: 'BRANCH', name: 'main', canonicalName: 'refs/heads/main' },
      pullRequest: null,
      ...options.repository,
    },
    action: {
      id: 'c0ffee00-0000-4000-8000-000000000001',
      index: 0,
      name: 'Build - iOS',
      actionType: 'BUILD',
      destination: 'ANY_IOS_DEVICE',
      buildDistributionAudience: null,
      testConfiguration: null,
      scheme: 'FieldNotes',
      platform: 'IOS',
      isRequiredToPass: true,
      ...options.action,
    },
    workDir: options.workDir,
    cacheDir: options.cacheDir ?? null,
    baseEnv: options.baseEnv ?? buildEnv(),
    signal: options.signal ?? new AbortController().signal,
  };
}

/**
 * Whether a process is still running. A killed process whose parent died
 * first stays a zombie until init reaps it; it runs nothing, so on Linux a
 * zombie counts as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Waits until a file exists and has content, for a test to act on what a build step wrote. */
export async function waitForFile(path: string): Promise<string> {
  // Bounded so that a step that never writes fails the test instead of hanging it.
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim() !== '') return text.trim();
    await sleep(25);
  }
  throw new Error(`${path} was never written`);
}

/** The entries of a zip file, by name, with their unix mode (file type and permissions). */
export function zipEntries(path: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    openZip(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, number>();
      zip.on('entry', (entry: Entry) => {
        entries.set(entry.fileName, entry.externalFileAttributes >>> 16);
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
