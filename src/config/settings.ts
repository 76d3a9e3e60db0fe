/**
 * Every server setting in one table: its flag, its environment variable, its
 * default and its help text. Settings are read once at start, checked one by
 * one with an error that names the setting, and frozen.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPostgresUrl, redactUrl } from '../store/open-database.ts';
import { checkPostgresUrl } from '../store/dialect/postgres/open-postgres.ts';

export interface Settings {
  dataDir: string;
  configPath: string | null;
  host: string;
  port: number;
  publicUrl: string;
  runners: number;
  database: string;
  leaseSeconds: number;
  rateLimitPerHour: number;
  responseCacheMiB: number;
  logLevel: string;
  keepWorkspaces: boolean;
  actionTimeoutMinutes: number;
}

export interface SettingSpec<K extends string = keyof Settings> {
  key: K;
  flag: string;
  env: string;
  help: string;
  kind: 'string' | 'port' | 'count' | 'mebibytes' | 'positive' | 'boolean' | 'level' | 'database';
  default: (s: Partial<Record<string, any>>) => unknown;
}

export const settingSpecs: readonly SettingSpec[] = [
  {
    key: 'dataDir',
    flag: 'data',
    env: 'STRATUS_DATA_DIR',
    kind: 'string',
    default: () => './.stratus',
    help: 'folder for the database, logs, artifacts and workspaces',
  },
  {
    key: 'configPath',
    flag: 'config',
    env: 'STRATUS_CONFIG',
    kind: 'string',
    default: () => null,
    help: 'products file (JSON) declaring products, repositories and workflows',
  },
  {
    key: 'host',
    flag: 'host',
    env: 'STRATUS_HOST',
    kind: 'string',
    default: () => '127.0.0.1',
    help: 'address to listen on',
  },
  {
    key: 'port',
    flag: 'port',
    env: 'STRATUS_PORT',
    kind: 'port',
    default: () => 8080,
    help: 'port to listen on (0 picks a free one)',
  },
  {
    key: 'publicUrl',
    flag: 'public-url',
    env: 'STRATUS_PUBLIC_URL',
    kind: 'string',
    default: () => '',
    help: 'origin used in links (default http://HOST:PORT)',
  },
  {
    key: 'runners',
    flag: 'runners',
    env: 'STRATUS_RUNNERS',
    kind: 'count',
    default: () => 1,
    help: 'runs performed at once by this process (0: API only)',
  },
  {
    key: 'database',
    flag: 'database',
    env: 'STRATUS_DATABASE_URL',
    kind: 'database',
    default: (s) => resolve(s.dataDir ?? '.stratus', 'stratus.db'),
    help: 'SQLite file path or postgres:// URL',
  },
  {
    key: 'leaseSeconds',
    flag: 'lease-seconds',
    env: 'STRATUS_LEASE_SECONDS',
    kind: 'positive',
    default: () => 30,
    help: 'how long a runner holds a run without renewing',
  },
  {
    key: 'rateLimitPerHour',
    flag: 'rate-limit',
    env: 'STRATUS_RATE_LIMIT',
    kind: 'positive',
    default: () => 3600,
    help: 'requests per API key in any 60 minutes',
  },
  {
    key: 'responseCacheMiB',
    flag: 'response-cache-mib',
    env: 'STRATUS_RESPONSE_CACHE_MIB',
    kind: 'mebibytes',
    default: () => 32,
    help: 'MiB of GET responses kept until the database changes (0: none; SQLite only)',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'STRATUS_LOG_LEVEL',
    kind: 'level',
    default: () => 'info',
    help: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    key: 'keepWorkspaces',
    flag: 'keep-workspaces',
    env: 'STRATUS_KEEP_WORKSPACES',
    kind: 'boolean',
    default: () => false,
    help: "keep each run's workspace for debugging",
  },
  {
    key: 'actionTimeoutMinutes',
    flag: 'action-timeout',
    env: 'STRATUS_ACTION_TIMEOUT',
    kind: 'positive',
    default: () => 120,
    help: 'minutes an action may run before it is stopped (ERRORED); timeoutMinutes per action',
  },
];

/**
 * Refuses a SQLite store that does not exist yet, for commands that use the
 * server's store and must not start a new empty one beside it (a runner
 * would wait forever on a queue nobody fills).
 */
export function requireExistingStore(location: string): void {
  if (isPostgresUrl(location) || location === ':memory:' || existsSync(location)) return;
  throw new SettingsError(
    `--database/STRATUS_DATABASE_URL: no Stratus store at ${location}; start ` +
      '`stratus serve` with the same --database first',
  );
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

function convert(spec: SettingSpec<string>, raw: string, origin: string): unknown {
  const fail = (expected: string) =>
    new SettingsError(`${origin} must be ${expected}; got '${raw}'`);
  switch (spec.kind) {
    case 'string':
      if (raw === '') throw fail('a non-empty value');
      return raw;
    case 'port': {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n > 65535) throw fail('a port number from 0 to 65535');
      return n;
    }
    case 'count': {
      if (!/^\d+$/.test(raw) || Number(raw) > 64) throw fail('a whole number from 0 to 64');
      return Number(raw);
    }
    case 'mebibytes': {
      if (!/^\d+$/.test(raw) || Number(raw) > 65536) throw fail('a whole number from 0 to 65536');
      return Number(raw);
    }
    case 'positive': {
      if (!/^\d+$/.test(raw) || Number(raw) < 1) throw fail('a whole number of at least 1');
      return Number(raw);
    }
    case 'boolean':
      if (!['true', 'false', '1', '0', ''].includes(raw)) throw fail('true or false');
      return raw === 'true' || raw === '1' || raw === '';
    case 'database': {
      if (raw === '') throw fail('a SQLite file path or a postgres:// URL');
      if (isPostgresUrl(raw)) {
        const problem = checkPostgresUrl(raw);
        if (problem) throw new SettingsError(`${origin} ${problem}; got '${redactUrl(raw)}'`);
      } else if (raw.includes('://')) {
        // mysql://…, sqlite://… or a typo: a path with :// is never meant as a file.
        throw fail('a SQLite file path or a postgres:// URL (no other database is supported)');
      }
      return raw;
    }
    case 'level':
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)) {
        throw fail('one of fatal, error, warn, info, debug, trace, silent');
      }
      return raw;
  }
}

/** Flags win over environment variables, which win over defaults. */
export function loadSettings(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Settings> {
  const settings = readSpecs<Record<keyof Settings, unknown>>(settingSpecs, flags, env) as Settings;
  settings.dataDir = resolve(settings.dataDir);
  if (settings.configPath) settings.configPath = resolve(settings.configPath);
  return Object.freeze(settings);
}

/** Reads each spec from its flag, else its environment variable, else its default. */
export function readSpecs<T extends Record<string, unknown>>(
  specs: readonly SettingSpec<keyof T & string>[],
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): T {
  const out: Partial<Record<string, unknown>> = {};
  for (const spec of specs) {
    const flag = flags[spec.flag];
    if (flag !== undefined) {
      out[spec.key] = convert(spec, flag === true ? '' : String(flag), `--${spec.flag}`);
    } else if (env[spec.env] !== undefined) {
      out[spec.key] = convert(spec, env[spec.env]!, spec.env);
    }
  }
  for (const spec of specs) {
    if (out[spec.key] === undefined) out[spec.key] = spec.default(out);
  }
  return out as T;
}
