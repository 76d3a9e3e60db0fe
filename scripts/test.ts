/**
 * Runs the test suite once per store dialect: every test on SQLite, then the
 * tests that open a store again on PostgreSQL (the rest never touch a
 * database, so a second pass would prove nothing). Each pass is labelled, and
 * the summary names the dialect a failure came from.
 *
 *   npm test                                  both passes
 *   STRATUS_TEST_DATABASE=postgres npm test   one pass, on that dialect
 *   npm test -- test/api/documents.test.ts    only the files named
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Dialect = 'sqlite' | 'postgres';

// A test runs against the suite's dialect when it starts the harness or makes a test database.
const usesStore = /startHarness\(|createTestDatabase\(/;

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

function run(dialect: Dialect, files: string[]): boolean {
  process.stdout.write(`\n=== ${dialect}: ${files.length} test files ===\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
    { stdio: 'inherit', env: { ...process.env, STRATUS_TEST_DATABASE: dialect } },
  );
  return result.status === 0;
}

const named = process.argv.slice(2);
const all = named.length > 0 ? named : findTests('test');
const only = process.env.STRATUS_TEST_DATABASE as Dialect | undefined;
const dialects: Dialect[] = only ? [only] : ['sqlite', 'postgres'];

const failed: Dialect[] = [];
for (const dialect of dialects) {
  const files =
    dialect === 'sqlite' ? all : all.filter((f) => usesStore.test(readFileSync(f, 'utf8')));
  if (files.length > 0 && !run(dialect, files)) failed.push(dialect);
}

const verdicts = dialects.map((d) => `${d}: ${failed.includes(d) ? 'FAILED' : 'passed'}`);
process.stdout.write(`\n=== ${verdicts.join(', ')} ===\n`);
process.exit(failed.length > 0 ? 1 : 0);
