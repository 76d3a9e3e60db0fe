import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/harness.ts';
import { cleanEnv, harnessEnv, runCli } from '../support/run-cli.ts';

describe('the stratus command when names, keys or the server are wrong', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);

  before(async () => {
    // No runners, so runs stay PENDING; a second product has a workflow named CI too.
    h = await startHarness({
      runners: 0,
      editConfig: (config) => {
        const copy = structuredClone(config.products[0]);
        copy.name = 'Greeter Pro';
        copy.bundleId = 'com.example.greeter.pro';
        config.products.push(copy);
      },
    });
    env = harnessEnv(h);
  });
  after(() => h.close());

  test('an ambiguous workflow name is a usage error naming every candidate', async () => {
    const r = await cli('builds', 'start', '--workflow', 'CI', '--branch', 'main');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^stratus: workflow name 'CI' is ambiguous: /);
    assert.match(r.stderr, /'CI' in Greeter \([0-9a-f-]{36}\)/);
    assert.match(r.stderr, /'CI' in Greeter Pro \([0-9a-f-]{36}\)/);
    assert.match(r.stderr, /give --product or the workflow id/);
  });

  test('a name that matches nothing lists what there is', async () => {
    const r = await cli('workflows', 'show', 'Nightly', '--product', 'Greeter Pro');
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /no workflow named 'Nightly' in product 'Greeter Pro'; workflows: 'CI' in Greeter Pro/,
    );
    const product = await cli('workflows', 'list', '--product', 'Gretter');
    assert.match(product.stderr, /no product named 'Gretter'; products: 'Greeter', 'Greeter Pro'/);
  });

  test('--wait --timeout gives up with its own exit code while the run goes on', async () => {
    const r = await cli(
      ...['builds', 'start', '--workflow', 'CI', '--product', 'Greeter Pro', '--branch', 'main'],
      ...['--wait', '--timeout', '0.5', '--interval', '0.1'],
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(
      r.stderr,
      /stratus: Greeter Pro build 1 of 'CI' is still PENDING after 0\.5s; it goes on/,
    );
    const list = await cli('builds', 'list', '--product', 'Greeter Pro', '--json');
    assert.equal(JSON.parse(list.stdout)[0].attributes.executionProgress, 'PENDING');
  });

  test('usage errors exit 2 and say what is missing', async () => {
    const number = await cli('builds', 'show', '1');
    assert.equal(number.code, 2);
    assert.match(number.stderr, /'1' is a build number: give --workflow or --product/);
    const list = await cli('builds', 'list');
    assert.match(list.stderr, /builds list needs --workflow NAME\|ID or --product NAME\|ID/);
    const flag = await cli('products', 'list', '--colour');
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--colour'/);
  });

  test('an unreadable or malformed key file exits 9 naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-bad-key-'));
    const bad = join(dir, 'AuthKey_BROKEN.p8');
    writeFileSync(bad, 'not a key\n');
    const r = await runCli(['products', 'list'], harnessEnv(h, { ASC_PRIVATE_KEY_PATH: bad }));
    assert.equal(r.code, 9);
    assert.match(r.stderr, /AuthKey_BROKEN\.p8' is not an App Store Connect API key/);
    const gone = await runCli(
      ['products', 'list'],
      harnessEnv(h, { ASC_PRIVATE_KEY_PATH: join(dir, 'x.p8') }),
    );
    assert.equal(gone.code, 9);
    assert.match(gone.stderr, /cannot read the private key file .*x\.p8': ENOENT/);
    const none = await runCli(['products', 'list'], cleanEnv());
    assert.equal(none.code, 9);
    assert.match(none.stderr, /no API key given: set --issuer-id \(ASC_ISSUER_ID\)/);
  });

  test("a key the server does not know is the API's 401, shown whole, exit 7", async () => {
    const unknown = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const r = await runCli(
      ['products', 'list'],
      harnessEnv(h, { ASC_PRIVATE_KEY_PATH: '', ASC_PRIVATE_KEY: unknown }),
    );
    assert.equal(r.code, 7);
    // Every token problem gets the same 401 document; read it as any client would.
    const answer = await fetch(`${h.stratus.url}/v1/ciProducts`);
    const [error] = (await answer.json()).errors;
    const title = error.title.replace(/\.$/, '');
    assert.equal(r.stderr, `stratus: ${title}: ${error.detail} (HTTP 401 NOT_AUTHORIZED)\n`);
  });

  test('a server that is down: bounded retries, then exit 8', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const r = await runCli(
      ['products', 'list', '--retries', '2', '--base-url', `http://127.0.0.1:${port}`],
      env,
    );
    assert.equal(r.code, 8);
    const retries = r.stderr
      .split('\n')
      .filter((l) => /retrying in \d+\.\ds \(retry \d of 2\)/.test(l));
    assert.equal(retries.length, 2);
    assert.match(
      r.stderr,
      /stratus: could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) after 3 attempt\(s\)\n$/,
    );
  });

  test('a profile supplies the URL and key; flags and variables win over it', async () => {
    const config = mkdtempSync(join(tmpdir(), 'stratus-config-'));
    mkdirSync(join(config, 'stratus'));
    writeFileSync(
      join(config, 'stratus', 'profiles.json'),
      JSON.stringify({
        default: 'local',
        profiles: {
          local: {
            baseUrl: h.stratus.url,
            issuerId: h.key.issuerId,
            keyId: h.key.keyId,
            privateKeyPath: h.key.privateKeyPath,
          },
          elsewhere: { baseUrl: 'http://127.0.0.1:9', issuerId: 'x', keyId: 'y', privateKey: 'z' },
        },
      }),
    );
    const profileEnv = cleanEnv({ XDG_CONFIG_HOME: config });
    const byDefault = await runCli(['products', 'list', '-q'], profileEnv);
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.match(byDefault.stdout, /^[0-9a-f-]{36}\n[0-9a-f-]{36}\n$/);
    const missing = await runCli(['products', 'list', '--profile', 'nope'], profileEnv);
    assert.equal(missing.code, 9);
    assert.match(
      missing.stderr,
      /no profile 'nope' in .*profiles\.json \(profiles: local, elsewhere\)/,
    );
  });

  test('keys create --profile saves a profile that later commands use', async () => {
    const config = mkdtempSync(join(tmpdir(), 'stratus-config-'));
    const keys = mkdtempSync(join(tmpdir(), 'stratus-keys-'));
    const profileEnv = cleanEnv({ XDG_CONFIG_HOME: config });
    const port = new URL(h.stratus.url).port;
    const made = await runCli(
      [
        ...['keys', 'create', '--data', h.dataDir, '--database', h.database],
        ...['--out', keys, '--port', port, '--profile', 'here'],
      ],
      profileEnv,
    );
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /Saved as profile 'here' in .*stratus\/profiles\.json/);
    const saved = JSON.parse(readFileSync(join(config, 'stratus', 'profiles.json'), 'utf8'));
    assert.equal(saved.default, 'here');
    assert.equal(saved.profiles.here.baseUrl, `http://127.0.0.1:${port}`);
    const r = await runCli(['workflows', 'list', '--product', 'Greeter Pro', '-q'], profileEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f-]{36}\n$/);
  });

  test('token: a long-lived GET-only scoped token that the server accepts', async () => {
    const r = await cli('token', '--scope', 'GET /v1/ciProducts', '--lifetime', '90d');
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 90 * 86400);
    assert.deepEqual(claims.scope, ['GET /v1/ciProducts']);
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: createPublicKey(h.privateKeyPem), dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      ),
    );
    const answer = await fetch(`${h.stratus.url}/v1/ciProducts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(answer.status, 200);
    const tooLong = await cli('token', '--lifetime', '1h');
    assert.equal(tooLong.code, 2);
    assert.match(
      tooLong.stderr,
      /at most 1200 seconds \(20 minutes\) unless every --scope entry is a GET/,
    );
  });
});
