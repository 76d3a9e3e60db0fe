/**
 * Settings of `stratus runner`, in one table like the server's. A runner
 * reaches the runs one of two ways: the store itself (--database, sharing
 * --data with the server) or the server over HTTP (--server and --token),
 * for a machine that must not hold database credentials.
 */
import { resolve } from 'node:path';
import {
  readSpecs,
  requireExistingStore,
  settingSpecs,
  SettingsError,
  type SettingSpec,
} from './settings.ts';

export interface RunnerSettings {
  dataDir: string;
  database: string | null;
  serverUrl: string | null;
  token: string | null;
  slots: number;
  name: string | null;
  publicUrl: string;
  leaseSeconds: number;
  actionTimeoutMinutes: number;
  logLevel: string;
  keepWorkspaces: boolean;
}

export const runnerSettingSpecs: readonly SettingSpec<keyof RunnerSettings>[] = [
  {
    key: 'dataDir',
    flag: 'data',
    env: 'STRATUS_DATA_DIR',
    kind: 'string',
    default: () => './.stratus',
    help: 'folder for workspaces and logs; with --database, the folder the server uses',
  },
  {
    key: 'database',
    flag: 'database',
    env: 'STRATUS_DATABASE_URL',
    kind: 'database',
    default: () => null,
    help: 'claim runs from this store: SQLite file path or postgres:// URL',
  },
  {
    key: 'serverUrl',
    flag: 'server',
    env: 'STRATUS_SERVER_URL',
    kind: 'string',
    default: () => null,
    help: 'claim runs from this server over HTTP (needs --token), e.g. http://ci.example:8080',
  },
  {
    key: 'token',
    flag: 'token',
    env: 'STRATUS_RUNNER_TOKEN',
    kind: 'string',
    default: () => null,
    help: 'runner token from `stratus runners create-token`',
  },
  {
    key: 'slots',
    flag: 'slots',
    env: 'STRATUS_RUNNER_SLOTS',
    kind: 'positive',
    default: () => 1,
    help: 'runs performed at once',
  },
  {
    key: 'name',
    flag: 'name',
    env: 'STRATUS_RUNNER_NAME',
    kind: 'string',
    default: () => null,
    help: 'name shown for this runner (default: the host name)',
  },
  {
    key: 'publicUrl',
    flag: 'public-url',
    env: 'STRATUS_PUBLIC_URL',
    kind: 'string',
    default: (s) => s.serverUrl ?? 'http://127.0.0.1:8080',
    help: "the server's origin, for CI_BUILD_URL (with --database)",
  },
  {
    key: 'leaseSeconds',
    flag: 'lease-seconds',
    env: 'STRATUS_LEASE_SECONDS',
    kind: 'positive',
    default: () => 30,
    help: 'how long a run stays held without a heartbeat (with --database)',
  },
  ...sharedSpecs('actionTimeoutMinutes', 'logLevel', 'keepWorkspaces'),
];

/** Settings a runner shares with the server, taken from the server's table, not repeated. */
function sharedSpecs(...keys: (keyof RunnerSettings)[]): SettingSpec<keyof RunnerSettings>[] {
  return keys.map((key) => {
    const spec = settingSpecs.find((s) => s.key === key);
    if (!spec) throw new Error(`the server has no setting '${key}'`);
    return spec as unknown as SettingSpec<keyof RunnerSettings>;
  });
}

export function loadRunnerSettings(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<RunnerSettings> {
  const settings = readSpecs<Record<keyof RunnerSettings, unknown>>(
    runnerSettingSpecs,
    flags,
    env,
  ) as RunnerSettings;
  if ((settings.database === null) === (settings.serverUrl === null)) {
    throw new SettingsError(
      'a runner needs exactly one of --database (claim from the store) and --server ' +
        '(claim over HTTP with --token)',
    );
  }
  if (settings.database !== null) requireExistingStore(settings.database);
  if (settings.serverUrl !== null) {
    if (!/^https?:\/\/[^/]+/.test(settings.serverUrl)) {
      throw new SettingsError(`--server must be an http(s) URL; got '${settings.serverUrl}'`);
    }
    if (settings.token === null) {
      throw new SettingsError(
        '--server needs --token (make one with `stratus runners create-token`)',
      );
    }
    // The server prints its API as <origin>/v1 and people copy that: the
    // runner protocol lives beside it, so a trailing /v1 is dropped.
    settings.serverUrl = settings.serverUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  }
  settings.dataDir = resolve(settings.dataDir);
  return Object.freeze(settings);
}
