import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneUrlHost, providerOf } from '../../src/model/scm-provider.ts';
import { startHarness, type Harness } from '../support/harness.ts';

describe('providerOf', () => {
  test('reads the provider from the clone URL host', () => {
    const kind = (url: string) => {
      const p = providerOf(url);
      return p && [p.kind, p.displayName, p.isOnPremise, p.host];
    };
    assert.deepEqual(kind('https://github.com/acme/app.git'), [
      'GITHUB_CLOUD',
      'GitHub',
      false,
      'github.com',
    ]);
    assert.deepEqual(kind('git@gitlab.com:acme/app.git'), [
      'GITLAB_CLOUD',
      'GitLab',
      false,
      'gitlab.com',
    ]);
    assert.deepEqual(kind('ssh://git@bitbucket.org/acme/app.git'), [
      'BITBUCKET_CLOUD',
      'Bitbucket',
      false,
      'bitbucket.org',
    ]);
    assert.deepEqual(kind('https://github.acme.dev/team/app.git'), [
      'GITHUB_ENTERPRISE',
      'GitHub Enterprise',
      true,
      'github.acme.dev',
    ]);
    assert.deepEqual(kind('https://gitlab.acme.dev/team/app.git')?.[0], 'GITLAB_SELF_MANAGED');
    assert.deepEqual(kind('https://bitbucket.acme.dev/scm/app.git')?.[0], 'BITBUCKET_SERVER');
    // No kind in the contract fits an unknown host or a folder on this machine.
    assert.equal(providerOf('https://git.acme.dev/app.git'), null);
    assert.equal(providerOf('/srv/git/app'), null);
    assert.equal(providerOf('file:///srv/git/app'), null);
    assert.equal(cloneUrlHost('git@GitHub.com:acme/app.git'), 'github.com');
    assert.equal(providerOf('https://github.com/a/b')!.id, providerOf('git@github.com:c/d')!.id);
    assert.match(providerOf('https://github.com/a/b')!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5/);
  });
});

describe('GET /v1/scmProviders', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig(config) {
        const base = config.products[0];
        const product = (name: string, url: string) => ({
          ...base,
          name,
          repository: { url },
          workflows: [],
        });
        config.products.push(
          product('Field Notes', 'https://github.com/acme/field-notes.git'),
          product('Field Notes Kit', 'git@github.com:acme/field-notes-kit.git'),
          product('Intranet', 'https://gitlab.acme.dev/team/intranet.git'),
        );
      },
    });
  });
  after(() => h.close());

  test('lists one provider per host, each with its repositories', async () => {
    const providers = await h.api.all('/v1/scmProviders');
    const byKind = new Map(providers.map((p) => [p.attributes.scmProviderType.kind, p]));
    assert.deepEqual([...byKind.keys()].sort(), ['GITHUB_CLOUD', 'GITLAB_SELF_MANAGED']);
    const github = byKind.get('GITHUB_CLOUD');
    assert.deepEqual(github.attributes, {
      scmProviderType: { kind: 'GITHUB_CLOUD', displayName: 'GitHub', isOnPremise: false },
      url: 'github.com',
    });
    const repositories = await h.api.all(`/v1/scmProviders/${github.id}/repositories`);
    assert.deepEqual(repositories.map((r) => r.attributes.repositoryName).sort(), [
      'field-notes',
      'field-notes-kit',
    ]);
    const one = await h.api.get(`/v1/scmProviders/${github.id}`);
    assert.equal(one.data.id, github.id);
  });

  test("repositories point at their provider; a local folder's points at none", async () => {
    const repositories = await h.api.all('/v1/scmRepositories?include=scmProvider');
    const byName = new Map(repositories.map((r) => [r.attributes.repositoryName, r]));
    assert.equal(byName.get('intranet').relationships.scmProvider.data.type, 'scmProviders');
    assert.equal(byName.get('repo').relationships.scmProvider.data, null);
    const gitlab = await h.api.get(
      `/v1/scmRepositories/${byName.get('intranet').id}?include=scmProvider`,
    );
    assert.equal(gitlab.included[0].attributes.scmProviderType.isOnPremise, true);
    const missing = await h.api.request('GET', '/v1/scmProviders/not-a-provider');
    assert.equal(missing.status, 404);
  });
});
