/**
 * The `stratus` command line: the server's commands (serve, runner, runners, keys) and
 * the API's.
 * Output meant for people goes to the terminal; --json gives scripts exact values.
 */
import { parseArgs } from 'node:util';
import { loadSettings, settingSpecs, SettingsError } from '../config/settings.ts';
import { ExitCode, exitCodeHelp } from './exit-codes.ts';
import { loadRunnerSettings, runnerSettingSpecs } from '../config/runner-settings.ts';
import { StoreOpenError } from '../store/store-open-error.ts';
import { connectionHelp, describeFailure } from './client-command.ts';
import { saveProfile } from './connection.ts';
import { tokenCommand } from './commands/token-command.ts';
import {
  productsList,
  refsList,
  workflowsList,
  workflowsShow,
} from './commands/catalog-commands.ts';
import { buildsStart } from './commands/builds-start.ts';
import {
  buildsActions,
  buildsIssues,
  buildsList,
  buildsShow,
  buildsTests,
} from './commands/builds-read.ts';
import { artifactsDownload, buildsLogs } from './commands/artifact-commands.ts';
import type { KeyRole } from '../auth/api-key.ts';

function helpLine(s: { flag: string; env: string; help: string }): string {
  return `  --${s.flag.padEnd(18)} ${s.env.padEnd(24)} ${s.help}`;
}

const usage = `usage: stratus <command> [options]

server:
  serve                 serve the API (and run builds) until stopped
  runner                perform builds in this process, from the store or a server
  runners create-token  make a runner token (--name NAME --json); shown once, stored hashed
  runners revoke-token  revoke a runner token (--id ID)
  runners list          list runner tokens and the runners seen, with what they offer
  keys create           make an API key: writes AuthKey_<KEYID>.p8, prints issuer and key id

API (Stratus, or Apple's App Store Connect API with an Apple key and --base-url):
  token [--scope "GET /v1/..."]... [--lifetime 20m]
                        print a signed token; a GET-only scoped token may live up to 182d
  products list
  workflows list [--product P]
  workflows show WORKFLOW [--product P]
  refs list (--repository R | --workflow W) [--all]
                        branches and tags; --all adds deleted ones
  builds start --workflow W [--product P] [--branch B | --tag T | --pull-request N |
                --rebuild RUN] [--clean] [--wait [--timeout S] [--interval S]]
  builds list (--workflow W | --product P) [--status S[,S]] [--limit N]
  builds show|actions RUN
  builds issues RUN [--type ERROR,WARNING,TEST_FAILURE,ANALYZER_WARNING]
  builds tests RUN [--failed]
  builds logs RUN [--action NAME]   print the text of the run's LOG_BUNDLE zips
  artifacts download RUN|ACTION [--type LOG_BUNDLE,...] [--out DIR]

  Names resolve to ids: a workflow by name across products (or within --product), a
  branch or tag within the workflow's repository. RUN is a run id, or a build number
  with --workflow or --product (build numbers count per product).

${connectionHelp}

${exitCodeHelp}

server options (each also an environment variable):
${settingSpecs.map(helpLine).join('\n')}

runner options (each also an environment variable):
${runnerSettingSpecs.map(helpLine).join('\n')}

runners options: --database, --data as for serve

keys create options: --name NAME --role ADMIN|APP_MANAGER|DEVELOPER --out DIR --json
                     --profile NAME (save issuer, key and this server's URL as a profile)
`;

const apiCommands: Record<string, (args: string[]) => Promise<number>> = {
  token: tokenCommand,
  'products list': productsList,
  'workflows list': workflowsList,
  'workflows show': workflowsShow,
  'refs list': refsList,
  'builds start': buildsStart,
  'builds list': buildsList,
  'builds show': buildsShow,
  'builds actions': buildsActions,
  'builds issues': buildsIssues,
  'builds tests': buildsTests,
  'builds logs': buildsLogs,
  'artifacts download': artifactsDownload,
};

/** A runner's backend refused its credentials (401): say what to do about it. */
function runnerFailure(error: Error): string {
  return (
    `${error.message}. The runner token was revoked or is wrong: make one with ` +
    '`stratus runners create-token` and start the runner with it (--token or STRATUS_RUNNER_TOKEN)'
  );
}

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
    // The server's modules load only for the commands that need them: API commands start fast.
    const { startStratus } = await import('../app.ts');
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
    const { default: pino } = await import('pino');
    const { startRunnerProcess } = await import('./runner-command.ts');
    let started: { close(): Promise<void> } | undefined;
    const runner = await startRunnerProcess(settings, pino({ level: settings.logLevel }), (e) => {
      void (started?.close() ?? Promise.resolve()).finally(() =>
        fail(runnerFailure(e), ExitCode.CREDENTIALS),
      );
    });
    started = runner;
    const from = settings.database !== null ? 'the store' : settings.serverUrl;
    // The name `runners list` shows, which is what people look for.
    const shown = runner.runner.offer?.id ?? runner.runner.id;
    process.stdout.write(`Stratus runner ${shown} is taking runs from ${from}\n`);
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
    const { runnersCommand } = await import('./runners-command.ts');
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
        profile: { type: 'string' },
      },
      strict: true,
    });
    const role = String(values.role);
    if (!['ADMIN', 'APP_MANAGER', 'DEVELOPER'].includes(role)) {
      fail(`--role must be ADMIN, APP_MANAGER or DEVELOPER; got '${role}'`);
    }
    const settings = loadSettings(values);
    const { Store } = await import('../store/store.ts');
    const { createKeyFile } = await import('./keys-create.ts');
    const store = await Store.open(settings.database);
    try {
      const key = await createKeyFile(store, {
        name: String(values.name),
        role: role as KeyRole,
        outDir: String(values.out),
      });
      let profileFile: string | undefined;
      if (values.profile) {
        // 0.0.0.0 and :: listen everywhere; a client on this machine reaches them on loopback.
        const host = ['0.0.0.0', '::'].includes(settings.host) ? '127.0.0.1' : settings.host;
        profileFile = saveProfile(values.profile, {
          baseUrl: settings.publicUrl || `http://${host}:${settings.port}`,
          issuerId: key.issuerId,
          keyId: key.keyId,
          privateKeyPath: key.privateKeyPath,
        });
      }
      if (values.json) process.stdout.write(`${JSON.stringify(key)}\n`);
      else {
        process.stdout.write(
          `Created API key ${key.keyId} (${key.role})\n` +
            `  issuer id:   ${key.issuerId}\n  key id:      ${key.keyId}\n` +
            `  private key: ${key.privateKeyPath}\n` +
            'Keep the .p8 file safe: the server stores only the public key ' +
            'and cannot show it again.\n' +
            (profileFile ? `Saved as profile '${values.profile}' in ${profileFile}\n` : ''),
        );
      }
    } finally {
      await store.close();
    }
    return;
  }

  const api = apiCommands[command] ? command : `${command} ${rest[0] ?? ''}`;
  const run = apiCommands[api];
  if (run) {
    const args = api === command ? rest : rest.slice(1);
    try {
      process.exitCode = await run(args);
    } catch (error) {
      const { message, exitCode } = describeFailure(error);
      process.stderr.write(`stratus: ${message}\n`);
      process.exitCode = exitCode;
    }
    return;
  }

  fail(`unknown command '${argv.join(' ')}'\n\n${usage}`);
}

// `stratus builds logs RUN | head` closes the pipe early; that is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof SettingsError || (error as Error)?.name === 'ConfigError') {
    fail((error as Error).message);
  }
  if ((error as { fatal?: boolean })?.fatal === true) {
    fail(runnerFailure(error as Error), ExitCode.CREDENTIALS);
  }
  if (error instanceof StoreOpenError) fail(`--database/STRATUS_DATABASE_URL: ${error.message}`);
  if (
    error instanceof TypeError &&
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    fail(error.message);
  }
  fail(error instanceof Error ? error.message : String(error), 10);
});
