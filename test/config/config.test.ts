import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, ConfigError } from '../../src/config/config-file.ts';
import { loadSettings, SettingsError } from '../../src/config/settings.ts';
import { applyConfig } from '../../src/config/apply-config.ts';
import { Store } from '../../src/store/store.ts';
import { tmpdir } from 'node:os';

const product = (workflow: object) => ({
  products: [{ name: 'App', repository: { url: '.' }, workflows: [workflow] }],
});

describe('the products file', () => {
  test('accepts a minimal workflow', () => {
    const config = checkConfig(
      product({ name: 'CI', actions: [{ name: 'B', actionType: 'BUILD' }] }),
    );
    assert.equal(config.products[0]!.workflows![0]!.name, 'CI');
  });

  test('names the path of a bad enum value', () => {
    const bad = product({ name: 'CI', actions: [{ name: 'B', actionType: 'COMPILE' }] });
    assert.throws(
      () => checkConfig(bad, 'stratus.json'),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(
          e.message,
          /^stratus\.json: \/products\/0\/workflows\/0\/actions\/0\/actionType: /,
        );
        assert.match(e.message, /: must be one of "ANALYZE", "BUILD", "TEST", "ARCHIVE"$/);
        return true;
      },
    );
    const productType = {
      products: [{ name: 'A', productType: 'GAME', repository: { url: '.' } }],
    };
    assert.throws(
      () => checkConfig(productType),
      /productType: must be one of "APP", "FRAMEWORK"$/,
    );
  });

  test('lists null among the values of a nullable enum', () => {
    const bad = product({
      name: 'CI',
      actions: [{ name: 'B', actionType: 'BUILD', platform: 'AMIGA' }],
    });
    assert.throws(
      () => checkConfig(bad),
      (e: unknown) => {
        assert.match(
          (e as Error).message,
          /\/platform: must be one of "MACOS", .*"VISIONOS", null$/,
        );
        return true;
      },
    );
  });

  test('names an unknown member', () => {
    const bad = product({ name: 'CI', actions: [{ name: 'B', actionType: 'BUILD', shell: 'x' }] });
    assert.throws(
      () => checkConfig(bad),
      /\/products\/0\/workflows\/0\/actions\/0: .*\(unknown: shell\)/,
    );
  });

  test('refuses a workflow without actions', () => {
    assert.throws(() => checkConfig(product({ name: 'CI', actions: [] })), /\/actions: /);
  });

  test('refuses an app id given to two products', async () => {
    const config = checkConfig({
      products: [
        { name: 'A', appId: '1500196580', repository: { url: '/a' } },
        { name: 'B', appId: '1500196580', repository: { url: '/b' } },
      ],
    });
    const store = await Store.open(':memory:');
    try {
      await assert.rejects(applyConfig(store, config, '/', 'TEAM'), /\/products\/1\/appId: /);
    } finally {
      await store.close();
    }
    assert.throws(
      () => checkConfig({ products: [{ name: 'A', appId: 'x', repository: { url: '.' } }] }),
      /appId/,
    );
  });
});

describe('repository urls of the products file', () => {
  test('a local path that does not exist stops the start, naming the path', async () => {
    const config = checkConfig({
      products: [
        { name: 'A', repository: { url: '.' } },
        { name: 'B', repository: { url: './no-such-repository' } },
      ],
    });
    const store = await Store.open(':memory:');
    try {
      await assert.rejects(
        applyConfig(store, config, tmpdir(), 'TEAM'),
        (e: Error) =>
          e instanceof ConfigError &&
          /^\/products\/1\/repository\/url: '\.\/no-such-repository' names the local path '.*no-such-repository', which does not exist/.test(
            e.message,
          ),
      );
      const fileUrl = checkConfig({
        products: [{ name: 'A', repository: { url: 'file:///no/such/repository' } }],
      });
      await assert.rejects(
        applyConfig(store, fileUrl, '/', 'TEAM'),
        /\/products\/0\/repository\/url: /,
      );
    } finally {
      await store.close();
    }
  });

  test('git URLs are not looked for on disk', async () => {
    const config = checkConfig({
      products: [{ name: 'A', repository: { url: 'https://github.com/acme/field-notes.git' } }],
    });
    const store = await Store.open(':memory:');
    try {
      await applyConfig(store, config, '/', 'TEAM');
    } finally {
      await store.close();
    }
  });
});

describe('server settings', () => {
  test('flags win over the environment, which wins over defaults', () => {
    const s = loadSettings({ port: '9000' }, { STRATUS_PORT: '7000', STRATUS_RUNNERS: '3' });
    assert.equal(s.port, 9000);
    assert.equal(s.runners, 3);
    assert.equal(s.host, '127.0.0.1');
    assert.ok(Object.isFrozen(s));
  });

  test('a bad value names the setting it came from', () => {
    assert.throws(
      () => loadSettings({}, { STRATUS_PORT: 'eighty' }),
      (e: unknown) => {
        assert.ok(e instanceof SettingsError);
        assert.equal(e.message, "STRATUS_PORT must be a port number from 0 to 65535; got 'eighty'");
        return true;
      },
    );
    assert.throws(() => loadSettings({ runners: '-1' }, {}), /^SettingsError: --runners must be/);
  });
});
