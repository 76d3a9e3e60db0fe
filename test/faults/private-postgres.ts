/**
 * A PostgreSQL cluster of the test's own, in a temporary folder on a free
 * port of 127.0.0.1, so that a test may stop and restart it without touching
 * any other server. As root, the server runs as the `postgres` user (it
 * refuses to run as root).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server (if running) and removes its folder. */
  destroy(): Promise<void>;
}

/** The folder holding initdb and pg_ctl, or null when PostgreSQL's server is not installed. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const version of readdirSync(root).sort().reverse()) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  // Asynchronous, so that a server in this process goes on answering while PostgreSQL restarts.
  const run = async (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    await promisify(execFile)(command, argv, { cwd: dir });
  };

  await run('initdb', ['-D', data, '-U', 'stratus', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const ctl = (...args: string[]) =>
    run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', ...args]);
  let running = false;

  const cluster: PrivatePostgres = {
    url: `postgres://stratus@127.0.0.1:${port}/postgres`,
    async start() {
      await ctl('start');
      running = true;
    },
    async stop() {
      await ctl('stop', '-m', 'fast');
      running = false;
    },
    async restart() {
      await ctl('restart', '-m', 'fast');
      running = true;
    },
    async destroy() {
      try {
        if (running) await cluster.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  // Should the test die before its cleanup, the server still stops with this process.
  process.once('exit', () => {
    if (!running) return;
    const command = asRoot ? 'runuser' : join(bin, 'pg_ctl');
    const stop = ['-D', data, 'stop', '-m', 'immediate'];
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...stop] : stop;
    execFileSync(command, argv, { stdio: 'ignore' });
  });
  try {
    await cluster.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
