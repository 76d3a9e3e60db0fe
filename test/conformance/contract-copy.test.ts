/**
 * The project's contract is Apple's CI document with descriptions stripped,
 * nothing else. The shared reference exists only on the machines this project
 * is made on, so the comparison is skipped, saying why, where it is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Json = any;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sharedPath = fileURLToPath(
  new URL('../shared/reference/asc-ci-openapi.json', `file://${repoRoot}`),
);
const projectPath = fileURLToPath(
  new URL('src/contract/asc-ci-openapi.json', `file://${repoRoot}`),
);

/** Drops every `description` text; a property that is itself named description stays. */
function withoutDescriptions(node: Json, inProperties = false): Json {
  if (Array.isArray(node)) return node.map((n) => withoutDescriptions(n));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries<Json>(node)) {
    if (key === 'description' && !inProperties && typeof value === 'string') continue;
    out[key] = withoutDescriptions(value, key === 'properties' && !inProperties);
  }
  return out;
}

test(
  'the contract copy is the shared reference without descriptions',
  { skip: existsSync(sharedPath) ? false : `no shared reference at ${sharedPath}` },
  () => {
    const shared = JSON.parse(readFileSync(sharedPath, 'utf8'));
    const project = JSON.parse(readFileSync(projectPath, 'utf8'));
    assert.deepEqual(project, withoutDescriptions(shared));
    assert.ok(!JSON.stringify(project).includes('"description":"'), 'no description text left');
  },
);
