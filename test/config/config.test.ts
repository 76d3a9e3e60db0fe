import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, ConfigError } from '../../src/config/config-file.ts';
import { loadSettings, SettingsError } from '../../src/config/settings.ts';
import { applyConfig } from '../../src/config/apply-config.ts';
import { Store } from '../../src/store/store.ts';

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
