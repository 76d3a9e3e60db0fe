/**
 * Where the CLI's requests go and which key signs them, from flags, then
 * environment variables, then a profile. The format of the profiles file:
 *
 *   {
 *     "default": "local",
 *     "profiles": {
 *       "local": { "baseUrl": "http://127.0.0.1:8080", "issuerId": "…", "keyId": "…",
 *                  "privateKeyPath": "~/keys/AuthKey_7QK2M9XA3B.p8" },
 *       "apple": { "baseUrl": "https://api.appstoreconnect.apple.com", "issuerId": "…",
 *                  "keyId": "…", "privateKey": "-----BEGIN PRIVATE KEY-----\n…" }
 *     }
 *   }
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { KeyCredentials } from '../client/index.ts';
import { CliError } from './cli-error.ts';
import { ExitCode } from './exit-codes.ts';

/** Where a Stratus server listens unless told otherwise (`stratus serve`'s default). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export interface ConnectionFlags {
  'base-url'?: string;
  'issuer-id'?: string;
  'key-id'?: string;
  'private-key-path'?: string;
  'private-key'?: string;
  profile?: string;
}

export interface Connection {
  baseUrl: string;
  credentials: KeyCredentials;
}

interface Profile {
  baseUrl?: string;
  issuerId?: string;
  keyId?: string;
  privateKeyPath?: string;
  privateKey?: string;
}

const profileKeys = ['baseUrl', 'issuerId', 'keyId', 'privateKeyPath', 'privateKey'];

function credentialsError(message: string): CliError {
  return new CliError(message, ExitCode.CREDENTIALS);
}

function expandHome(path: string, relativeTo?: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return relativeTo ? resolve(relativeTo, path) : resolve(path);
}

/** `STRATUS_PROFILES`, else `$XDG_CONFIG_HOME/stratus/profiles.json`, else `~/.config/...`. */
export function profilesPath(env: NodeJS.ProcessEnv): string {
  if (env.STRATUS_PROFILES) return expandHome(env.STRATUS_PROFILES);
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'stratus', 'profiles.json');
}

function loadProfile(name: string | undefined, env: NodeJS.ProcessEnv): Profile {
  const file = profilesPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (name) throw credentialsError(`profile '${name}' asked for, but ${file} cannot be read`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw credentialsError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: { default?: unknown; profiles?: Record<string, Profile> };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw credentialsError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const profiles = parsed.profiles ?? {};
  const chosen = name ?? (typeof parsed.default === 'string' ? parsed.default : undefined);
  if (!chosen) return {};
  const profile = profiles[chosen];
  if (!profile || typeof profile !== 'object') {
    const known = Object.keys(profiles).join(', ') || 'none';
    throw credentialsError(`no profile '${chosen}' in ${file} (profiles: ${known})`);
  }
  for (const [key, value] of Object.entries(profile)) {
    if (!profileKeys.includes(key) || typeof value !== 'string') {
      throw credentialsError(
        `profile '${chosen}' in ${file}: '${key}' is not one of ${profileKeys.join(', ')} ` +
          'with a string value',
      );
    }
  }
  const dir = dirname(file);
  return profile.privateKeyPath
    ? { ...profile, privateKeyPath: expandHome(profile.privateKeyPath, dir) }
    : profile;
}

/** The private key from one source level; both forms at once is ambiguous. */
function keyFrom(
  level: string,
  contents: string | undefined,
  path: string | undefined,
): { privateKey?: string; privateKeyPath?: string } | undefined {
  if (contents && path) {
    throw credentialsError(`${level} gives both a private key and a private key path; keep one`);
  }
  if (contents) return { privateKey: contents };
  if (path) return { privateKeyPath: expandHome(path) };
  return undefined;
}

/**
 * Resolves the connection: each setting from its flag, else its environment
 * variable, else the profile (`--profile`, `STRATUS_PROFILE`, or the file's
 * `default`). The base URL falls back to a local Stratus, never to Apple:
 * talking to Apple is always asked for by name.
 */
export function resolveConnection(flags: ConnectionFlags, env = process.env): Connection {
  const profile = loadProfile(flags.profile ?? (env.STRATUS_PROFILE || undefined), env);
  const issuerId = flags['issuer-id'] ?? (env.ASC_ISSUER_ID || undefined) ?? profile.issuerId;
  const keyId = flags['key-id'] ?? (env.ASC_KEY_ID || undefined) ?? profile.keyId;
  const key =
    keyFrom('the command line', flags['private-key'], flags['private-key-path']) ??
    keyFrom(
      'the environment',
      env.ASC_PRIVATE_KEY || undefined,
      env.ASC_PRIVATE_KEY_PATH || undefined,
    ) ??
    keyFrom('the profile', profile.privateKey, profile.privateKeyPath);

  const missing = [
    issuerId ? null : '--issuer-id (ASC_ISSUER_ID)',
    keyId ? null : '--key-id (ASC_KEY_ID)',
    key ? null : '--private-key-path (ASC_PRIVATE_KEY_PATH) or --private-key (ASC_PRIVATE_KEY)',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw credentialsError(
      `no API key given: set ${missing.join(', ')}, or choose a profile with --profile ` +
        `(profiles file: ${profilesPath(env)})`,
    );
  }

  const baseUrl =
    flags['base-url'] ?? (env.STRATUS_BASE_URL || undefined) ?? profile.baseUrl ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
    if (!/^https?:$/.test(url.protocol)) throw new Error('not http(s)');
  } catch {
    throw new CliError(`--base-url must be an http(s) URL; got '${baseUrl}'`, ExitCode.USAGE);
  }
  // People often copy the API root with its version; paths here already start with /v1.
  url.pathname = url.pathname.replace(/\/v1\/?$/, '/');
  return { baseUrl: url.href, credentials: { issuerId: issuerId!, keyId: keyId!, ...key } };
}

/**
 * Adds or replaces one profile in the profiles file (made if missing, readable
 * by its owner only), and makes it the default when the file had none.
 */
export function saveProfile(name: string, profile: Profile, env = process.env): string {
  const file = profilesPath(env);
  let parsed: { default?: string; profiles?: Record<string, Profile> } = {};
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw credentialsError(`cannot update ${file}: ${(error as Error).message}`);
    }
  }
  parsed.profiles = { ...parsed.profiles, [name]: profile };
  parsed.default ??= name;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(parsed, null, 2)}\n`, { mode: 0o600 });
  return file;
}
