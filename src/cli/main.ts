/**
 * The `stratus` command line: serve, runner, runners, keys create, token.
 * Output meant for people goes to the terminal; --json gives scripts exact values.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadSettings, settingSpecs, SettingsError } from '../config/settings.ts';
import { loadRunnerSettings, runnerSettingSpecs } from '../config/runner-settings.ts';
import { startRunnerProcess } from './runner-command.ts';
import { runnersCommand } from './runners-command.ts';
import { ConfigError } from '../config/config-file.ts';
import { startStratus } from '../app.ts';
import { Store } from '../store/store.ts';
import { StoreOpenError } from '../store/store-open-error.ts';
import { createKeyFile } from './keys-create.ts';
import { signToken } from '../auth/sign-token.ts';
import type { KeyRole } from '../auth/api-key.ts';

function helpLine(s: { flag: string; env: string; help: string }): string {
  return `  --${s.flag.padEnd(18)} ${s.env.padEnd(24)} ${s.help}`;
}

const usage = `usage: stratus <command> [options]

commands:
  serve                 serve the API (and run builds) until stopped
  runner                perform builds in this process, from the store or a server
  runners create-token  make a runner token (--name NAME --json); shown once, stored hashed
  runners revoke-token  revoke a runner token (--id ID)
  runners list          list runner tokens and the runners seen, with what they offer
  keys create           make an API key: writes AuthKey_<KEYID>.p8, prints issuer and key id
  token                 print a signed token for a key (--issuer-id --key-id --private-key-path)

server options (each also an environment variable):
${settingSpecs.map(helpLine).join('\n')}

runner options (each also an environment variable):
${runnerSettingSpecs.map(helpLine).join('\n')}

runners options: --database, --data as for serve
keys create options: --name NAME --role ADMIN|APP_MANAGER|DEVELOPER --out DIR --json
token options: --issuer-id ID --key-id ID --private-key-path FILE --lifetime SECONDS
               --scope "GET /v1/..." (repeatable)
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`stratus: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || ['--help', '-h', 'help'].includes(command) || rest.includes('--help')) {
    process.stdout.write(usage);
    return;
  }
  const settingOptions = Object.fromEntries(
    settingSpecs.map((s) => [
      s.flag,
      { type: s.kind === 'boolean' ? 'boolean' : 'string' } as const,
    ]),
  );

  if (command === 'serve') {
    const { values } = parseArgs({ args: rest, options: settingOptions, strict: true });
    const stratus = await startStratus(loadSettings(values));
    process.stdout.write(`Stratus is serving the App Store Connect API at ${stratus.url}/v1\n`);
    const stop = () => {
      stratus.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }

  if (command === 'runner') {
    const options = Object.fromEntries(
      runnerSettingSpecs.map((s) => [
        s.flag,
        { type: s.kind === 'boolean' ? 'boolean' : 'string' } as const,
      ]),
    );
    const { values } = parseArgs({ args: rest, options, strict: true });
    const settings = loadRunnerSettings(values);
    const logger = pino({ level: settings.logLevel });
    const runner = await startRunnerProcess(settings, logger);
    const mode = settings.database !== null ? 'the store' : settings.serverUrl;
    process.stdout.write(`Stratus runner ${runner.runner.id} is taking runs from ${mode}\n`);
    const stop = () => {
      runner.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }

  if (command === 'runners') {
    const { values } = parseArgs({
      args: rest.slice(1),
      options: {
        ...settingOptions,
        name: { type: 'string', default: 'runner' },
        id: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    await runnersCommand(rest[0], loadSettings(values), values);
    return;
  }

  if (command === 'keys' && rest[0] === 'create') {
    const { values } = parseArgs({
      args: rest.slice(1),
      options: {
        ...settingOptions,
        name: { type: 'string', default: 'stratus' },
        role: { type: 'string', default: 'ADMIN' },
        out: { type: 'string', default: '.' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const role = String(values.role);
    if (!['ADMIN', 'APP_MANAGER', 'DEVELOPER'].includes(role)) {
      fail(`--role must be ADMIN, APP_MANAGER or DEVELOPER; got '${role}'`);
    }
    const settings = loadSettings(values);
    const store = await Store.open(settings.database);
    try {
      const key = await createKeyFile(store, {
        name: String(values.name),
        role: role as KeyRole,
        outDir: String(values.out),
      });
      if (values.json) process.stdout.write(`${JSON.stringify(key)}\n`);
      else {
        process.stdout.write(
          `Created API key ${key.keyId} (${key.role})\n` +
            `  issuer id:   ${key.issuerId}\n  key id:      ${key.keyId}\n` +
            `  private key: ${key.privateKeyPath}\n` +
            'Keep the .p8 file safe: the server stores only the public key ' +
            'and cannot show it again.\n',
        );
      }
    } finally {
      await store.close();
    }
    return;
  }

  if (command === 'token') {
    const { values } = parseArgs({
      args: rest,
      options: {
        'issuer-id': { type: 'string', default: process.env.ASC_ISSUER_ID },
        'key-id': { type: 'string', default: process.env.ASC_KEY_ID },
        'private-key-path': { type: 'string', default: process.env.ASC_PRIVATE_KEY_PATH },
        lifetime: { type: 'string', default: '1200' },
        scope: { type: 'string', multiple: true },
      },
      strict: true,
    });
    const pem =
      process.env.ASC_PRIVATE_KEY ??
      (values['private-key-path'] ? readFileSync(values['private-key-path'], 'utf8') : undefined);
    if (!values['issuer-id'] || !values['key-id'] || !pem) {
      fail('token needs --issuer-id, --key-id and --private-key-path (or ASC_* variables)');
    }
    const token = await signToken({
      privateKeyPem: pem,
      keyId: values['key-id'],
      issuerId: values['issuer-id'],
      lifetimeSeconds: Number(values.lifetime),
      scope: values.scope,
    });
    process.stdout.write(`${token}\n`);
    return;
  }

  fail(`unknown command '${argv.join(' ')}'\n\n${usage}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof SettingsError || error instanceof ConfigError) fail(error.message);
  if (error instanceof StoreOpenError) fail(`--database/STRATUS_DATABASE_URL: ${error.message}`);
  if (
    error instanceof TypeError &&
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    fail(error.message);
  }
  fail(error instanceof Error ? error.message : String(error), 1);
});
