/** `npm run demo -- --serve --port N`: the demo's server stays up on N and takes the token it prints. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, runCli } from '../support/run-cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stratus-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

test('the demo serves on --port and prints a token command that works', async () => {
  const port = await freePort();
  const demo = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/demo.ts', '--serve', '--port', String(port)],
    { cwd: root, env: cleanEnv({ STRATUS_DEMO_DIR: join(dir, 'demo') }) },
  );
  let output = '';
  demo.stdout.on('data', (chunk) => (output += chunk));
  demo.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((r) => demo.on('exit', (code) => r(code)));
  try {
    const serving = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no server after 3 minutes:\n${output}`)),
        180_000,
      );
      demo.stdout.on('data', () => {
        const command = /\n {2}npx stratus token (.+)\n/.exec(output);
        if (command) {
          clearTimeout(timer);
          resolve(command[1]!);
        }
      });
      demo.on('exit', () => reject(new Error(`the demo ended:\n${output}`)));
    });
    assert.match(output, new RegExp(`Serving at http://127\\.0\\.0\\.1:${port}/v1`));

    const args = serving.split(' ');
    const token = await runCli(['token', ...args], cleanEnv());
    assert.equal(token.code, 0, token.stderr);
    const answer = await fetch(`http://127.0.0.1:${port}/v1/ciProducts`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    assert.equal(answer.status, 200);
  } finally {
    demo.kill('SIGINT');
  }
  assert.equal(await exited, 0, output);
});
