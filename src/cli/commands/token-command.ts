/** `token`: print a signed token, e.g. a long-lived read token for a dashboard. */
import { MAX_TOKEN_LIFETIME_SECONDS, TokenSource } from '../../client/index.ts';
import { UsageError } from '../cli-error.ts';
import { connectionOptions } from '../client-command.ts';
import { resolveConnection } from '../connection.ts';
import { parseArgs } from 'node:util';

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `1200`, `20m`, `12h`, `90d` to seconds. */
export function parseLifetime(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match)
    throw new UsageError(`--lifetime takes seconds or a number with s, m, h or d; got '${value}'`);
  return Number(match[1]) * units[match[2] || 's']!;
}

export async function tokenCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...connectionOptions,
      lifetime: { type: 'string' },
      scope: { type: 'string', multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const entry of values.scope ?? []) {
    if (!/^(GET|POST|PATCH|DELETE) \/v1\//.test(entry)) {
      throw new UsageError(`--scope entries look like "GET /v1/ciProducts"; got '${entry}'`);
    }
  }
  const { credentials } = resolveConnection(values);
  const lifetimeSeconds = values.lifetime
    ? parseLifetime(values.lifetime)
    : MAX_TOKEN_LIFETIME_SECONDS;
  let tokens: TokenSource;
  try {
    tokens = new TokenSource({ ...credentials, lifetimeSeconds, scope: values.scope });
  } catch (error) {
    // The lifetime rules are about the flags given, not the key.
    if (error instanceof Error && /lives at most/.test(error.message)) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  process.stdout.write(`${await tokens.token()}\n`);
  return 0;
}
