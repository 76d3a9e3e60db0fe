/**
 * What every API command shares: the connection and output flags, the
 * client built from them, and the mapping from failures to exit codes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ApiError,
  AscClient,
  AuthConfigError,
  NetworkError,
  TimeoutError,
  type RetryEvent,
} from '../client/index.ts';
import { CliError, UsageError } from './cli-error.ts';
import { resolveConnection, type ConnectionFlags } from './connection.ts';
import { ExitCode } from './exit-codes.ts';
import { createOutput, type Output } from './output.ts';

export const connectionOptions = {
  'base-url': { type: 'string' },
  'issuer-id': { type: 'string' },
  'key-id': { type: 'string' },
  'private-key-path': { type: 'string' },
  'private-key': { type: 'string' },
  profile: { type: 'string' },
  retries: { type: 'string' },
} as const;

export const outputOptions = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const connectionHelp = `connection (flag, else environment variable, else profile):
  --base-url URL            STRATUS_BASE_URL      default http://127.0.0.1:8080; Apple's is
                                                  https://api.appstoreconnect.apple.com
  --issuer-id ID            ASC_ISSUER_ID
  --key-id ID               ASC_KEY_ID
  --private-key-path FILE   ASC_PRIVATE_KEY_PATH  the AuthKey_<KEYID>.p8 file
  --private-key PEM         ASC_PRIVATE_KEY       the key's contents instead of a path
  --profile NAME            STRATUS_PROFILE       a profile of ~/.config/stratus/profiles.json
                                                  (or STRATUS_PROFILES=FILE)
  --retries N               retries of network failures and 429 answers (default 3)
output: a table by default; --json the API's data (lists: every page's data as one array);
  --quiet ids only`;

function describeRetry(event: RetryEvent): string {
  if (event.reason === 'network') return event.error.message;
  return event.budget
    ? `rate limited: ${event.budget.limit - event.budget.remaining} of ${event.budget.limit} ` +
        'requests this hour used'
    : 'rate limited';
}

export interface CommandContext {
  client: AscClient;
  out: Output;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `args` with the shared flags plus the command's own. */
export function parseCommand<O extends Options>(args: string[], options: O) {
  return parseArgs({
    args,
    options: { ...connectionOptions, ...outputOptions, ...options },
    allowPositionals: true,
    strict: true,
  });
}

export function createContext(values: Record<string, unknown>): CommandContext {
  const out = createOutput(values);
  if (out.json && out.quiet) throw new UsageError('--json and --quiet do not go together');
  const connection = resolveConnection(values as ConnectionFlags);
  const retries = values.retries === undefined ? 3 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new UsageError(`--retries must be a whole number from 0 to 10; got '${values.retries}'`);
  }
  const client = new AscClient({
    baseUrl: connection.baseUrl,
    credentials: connection.credentials,
    retry: { retries },
    onRetry: (event) =>
      out.note(
        `stratus: ${describeRetry(event)}; ` +
          `retrying in ${(event.delayMs / 1000).toFixed(1)}s ` +
          `(retry ${event.attempt} of ${retries})`,
      ),
  });
  return { client, out };
}

/** One line for stderr and the exit code, for any failure of a command. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ApiError) {
    // "<title>: <detail>" reads as one sentence without the title's own full stop.
    const text = error.detail ? `${error.title.replace(/\.$/, '')}: ${error.detail}` : error.title;
    return {
      message: `${text} (HTTP ${error.status} ${error.apiCode})`,
      exitCode: ExitCode.API_ERROR,
    };
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return { message: error.message, exitCode: ExitCode.NETWORK_ERROR };
  }
  if (error instanceof AuthConfigError) {
    return { message: error.message, exitCode: ExitCode.CREDENTIALS };
  }
  if (
    error instanceof TypeError &&
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    return { message: error.message, exitCode: ExitCode.USAGE };
  }
  return {
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    exitCode: ExitCode.INTERNAL,
  };
}

/** The one positional a command takes, or a usage error. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`give exactly one ${what}; got ${positionals.length}`);
  }
  return positionals[0]!;
}

export function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
}
