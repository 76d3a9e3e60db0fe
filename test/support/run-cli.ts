/** Runs the `stratus` command as a child process, the way a person or a CI job would. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Harness } from './harness.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without the caller's own API settings, and a home of its own. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(ASC_|STRATUS_|XDG_CONFIG_HOME$|HOME$)/.test(name)) env[name] = value;
  }
  env.HOME = mkdtempSync(join(tmpdir(), 'stratus-home-'));
  return { ...env, ...extra };
}

/** Credentials of the harness's key and its URL, as environment variables. */
export function harnessEnv(h: Harness, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    STRATUS_BASE_URL: h.stratus.url,
    ASC_ISSUER_ID: h.key.issuerId,
    ASC_KEY_ID: h.key.keyId,
    ASC_PRIVATE_KEY_PATH: h.key.privateKeyPath,
    ...extra,
  });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
