import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from '../support/harness.ts';
import { until } from '../faults/runner-fixture.ts';

const bin = fileURLToPath(new URL('../../bin/stratus.js', import.meta.url));

/** A port nothing listens on now, for a server that starts later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('an HTTP runner whose server is down, or whose token is refused', () => {
  let h: Harness | null = null;
  let machine: string;

  before(() => {
    machine = mkdtempSync(join(tmpdir(), 'stratus-reach-'));
  });

  after(async () => {
    await h?.close();
    rmSync(machine, { recursive: true, force: true });
  });

  test('waits for a server that is not up yet, names it, and exits 9 once revoked', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // The token is made on the store the server will use, before the server listens.
    const child = spawn(
      process.execPath,
      [bin, 'runner', '--server', `${origin}/v1`, '--data', machine, '--name', 'h1'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STRATUS_RUNNER_TOKEN: 'srt_x' } },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await until('the runner to say the server is unreachable', () =>
        out.includes(`cannot reach the Stratus server at ${origin}: connect ECONNREFUSED`)
          ? true
          : undefined,
      );
      h = await startHarness({ runners: 0, flags: { port: String(port) } });
      // srt_x was never made: once the server answers, the runner stops with exit code 9.
      assert.equal(await exited, 9);
      assert.match(out, /stratus: server answered 401: .*The runner token was revoked or is wrong/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a token revoked while it works: the runner exits 9 with one clear line', async () => {
    const made = await h!.stratus.store.runnerTokens.create('h1');
    const child = spawn(
      process.execPath,
      [bin, 'runner', '--server', `${h!.stratus.url}/v1`, '--data', machine, '--name', 'h1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, STRATUS_RUNNER_TOKEN: made.token },
      },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await until('the runner to start', () => (/is taking runs/.test(out) ? true : undefined));
      // The start-up line names the runner as `runners list` does.
      assert.match(
        out,
        new RegExp(`Stratus runner http-h1 is taking runs from ${h!.stratus.url}\\n`),
      );
      assert.equal(await h!.stratus.store.runnerTokens.revoke(made.id), true);
      assert.equal(await exited, 9);
      const lines = out.split('\n').filter((l) => l.startsWith('stratus:'));
      assert.equal(lines.length, 1, out);
      assert.match(lines[0]!, /^stratus: server answered 401: .*revoked or is wrong/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('an unreachable server is named, without the /v1 a user copied, with the cause', async () => {
    const port = await freePort();
    const r = spawnSync(
      process.execPath,
      [bin, 'runner', '--server', `http://127.0.0.1:${port}/v1/`, '--token', 'x'],
      { encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL', cwd: machine },
    );
    // It keeps waiting for the server (killed here), each attempt logged.
    assert.match(
      r.stdout + r.stderr,
      new RegExp(
        `cannot reach the Stratus server at http://127.0.0.1:${port}: connect ECONNREFUSED`,
      ),
    );
  });
});
