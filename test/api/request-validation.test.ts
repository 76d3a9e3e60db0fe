import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signToken } from '../../src/auth/sign-token.ts';
import { discover, startHarness, type Harness } from '../support/harness.ts';

const XCODE = 'Xcode16C5032a:stable';
const MACOS = '24C101';

// Every write is checked by one validator built from the contract's request schemas.
describe('request bodies', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof discover>>;
  let valid: any;

  before(async () => {
    h = await startHarness({ runners: 0 });
    await h.stratus.store.toolchain.report(
      { id: 'mac-1', name: 'mac-1' },
      {
        xcode: { id: XCODE, name: 'Xcode 16.2 (16C5032a)', testDestinations: [] },
        macOs: { id: MACOS, name: 'macOS Sequoia 15.2 (24C101)' },
      },
    );
    ids = await discover(h.api);
    valid = () => ({
      data: {
        type: 'ciWorkflows',
        attributes: {
          name: 'Checked',
          description: '',
          isEnabled: true,
          clean: false,
          containerFilePath: 'Greeter.xcodeproj',
          actions: [{ name: 'Build', actionType: 'BUILD', scheme: 'Greeter', platform: 'MACOS' }],
        },
        relationships: {
          product: { data: { type: 'ciProducts', id: ids.product.id } },
          repository: { data: { type: 'scmRepositories', id: ids.repository.id } },
          xcodeVersion: { data: { type: 'ciXcodeVersions', id: XCODE } },
          macOsVersion: { data: { type: 'ciMacOsVersions', id: MACOS } },
        },
      },
    });
  });
  after(() => h.close());

  type Case = [string, (body: any) => unknown, number, string, string];
  const createCases: Case[] = [
    ['no data', () => ({}), 422, 'ENTITY_UNPROCESSABLE', '/data'],
    ['a list for a document', () => [], 422, 'ENTITY_UNPROCESSABLE', ''],
    ['data as a string', () => ({ data: 'x' }), 422, 'ENTITY_UNPROCESSABLE', '/data'],
    [
      'a misspelled attributes member',
      (b) => ({ data: { ...b.data, attribute: b.data.attributes } }),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attribute',
    ],
    [
      'the wrong resource type',
      (b) => ({ data: { ...b.data, type: 'ciProducts' } }),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/type',
    ],
    [
      'an unknown attribute',
      (b) => ((b.data.attributes.colour = 'red'), b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attributes/colour',
    ],
    [
      'an unknown relationship',
      (b) => ((b.data.relationships.app = { data: { type: 'apps', id: '1' } }), b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/relationships/app',
    ],
    [
      'a Stratus-only action setting',
      (b) => ((b.data.attributes.actions[0].command = 'make'), b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attributes/actions/0/command',
    ],
    [
      'a string where a boolean belongs',
      (b) => ((b.data.attributes.isEnabled = 'yes'), b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attributes/isEnabled',
    ],
    [
      'actions that are not a list',
      (b) => ((b.data.attributes.actions = { name: 'Build' }), b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/attributes/actions',
    ],
    [
      'a relationship of the wrong type',
      (b) => ((b.data.relationships.product.data.type = 'ciWorkflows'), b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/relationships/product/data/type',
    ],
    [
      'a relationship without an id',
      (b) => (delete b.data.relationships.product.data.id, b),
      422,
      'ENTITY_UNPROCESSABLE',
      '/data/relationships/product/data/id',
    ],
    [
      'a missing required attribute',
      (b) => (delete b.data.attributes.containerFilePath, b),
      409,
      'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      '/data/attributes/containerFilePath',
    ],
    [
      'a missing required relationship',
      (b) => (delete b.data.relationships.macOsVersion, b),
      409,
      'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
      '/data/relationships/macOsVersion',
    ],
    [
      'a value outside its enum',
      (b) => ((b.data.attributes.actions[0].actionType = 'DEPLOY'), b),
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      '/data/attributes/actions/0/actionType',
    ],
    [
      'a nested enum value',
      (b) => (
        (b.data.attributes.scheduledStartCondition = { schedule: { frequency: 'YEARLY' } }),
        b
      ),
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      '/data/attributes/scheduledStartCondition/schedule/frequency',
    ],
    [
      'no actions',
      (b) => ((b.data.attributes.actions = []), b),
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      '/data/attributes/actions',
    ],
    [
      'an Xcode version no runner reported',
      (b) => ((b.data.relationships.xcodeVersion.data.id = 'Xcode1A1:stable'), b),
      409,
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
      '/data/relationships/xcodeVersion',
    ],
  ];
  for (const [name, edit, status, code, pointer] of createCases) {
    test(`POST /v1/ciWorkflows with ${name} answers ${status} ${code} at ${pointer}`, async () => {
      const r = await h.api.request('POST', '/v1/ciWorkflows', edit(valid()));
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.equal(r.json.errors[0].status, String(status));
      assert.equal(r.json.errors[0].code, code);
      assert.deepEqual(r.json.errors[0].source, { pointer });
      assert.match(r.json.errors[0].id, /^[0-9a-f-]{36}$/);
    });
  }

  test('several problems of one kind come back together', async () => {
    const body = valid();
    delete body.data.attributes.name;
    delete body.data.attributes.clean;
    const r = await h.api.request('POST', '/v1/ciWorkflows', body);
    assert.equal(r.status, 409);
    assert.deepEqual(r.json.errors.map((e: any) => e.source.pointer).sort(), [
      '/data/attributes/clean',
      '/data/attributes/name',
    ]);
  });

  test('null is accepted where a client sends back what it read', async () => {
    const body = valid();
    body.data.attributes.name = 'Nulls inside';
    body.data.attributes.branchStartCondition = null;
    body.data.attributes.actions[0] = {
      ...body.data.attributes.actions[0],
      destination: null,
      buildDistributionAudience: null,
      testConfiguration: null,
    };
    const r = await h.api.request('POST', '/v1/ciWorkflows', body);
    assert.equal(r.status, 201, JSON.stringify(r.json));
  });

  test('PATCH needs data.id; an unknown workflow is 404', async () => {
    const missingId = await h.api.request('PATCH', `/v1/ciWorkflows/${ids.workflow.id}`, {
      data: { type: 'ciWorkflows', attributes: {} },
    });
    assert.equal(missingId.status, 422);
    assert.deepEqual(missingId.json.errors[0].source, { pointer: '/data/id' });
    const unknown = await h.api.request('PATCH', '/v1/ciWorkflows/nope', {
      data: { type: 'ciWorkflows', id: 'nope', attributes: {} },
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.errors[0].code, 'NOT_FOUND');
  });

  test('POST /v1/ciBuildRuns goes through the same validator', async () => {
    const r = await h.api.request('POST', '/v1/ciBuildRuns', {
      data: { type: 'ciBuildRuns', attributes: { clean: 1 }, extra: true },
    });
    assert.equal(r.status, 422);
    assert.deepEqual(
      r.json.errors.map((e: any) => e.source.pointer),
      ['/data/extra', '/data/attributes/clean'],
    );
  });

  test('a body on a GET or DELETE is 400 ENTITY_INVALID; a form body is 415', async () => {
    const token = await signToken({ ...h.key, privateKeyPem: h.privateKeyPem });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const get = await h.stratus.app.inject({
      method: 'GET',
      url: `/v1/ciWorkflows/${ids.workflow.id}`,
      headers,
      payload: '{"data":{}}',
    });
    assert.equal(get.statusCode, 400);
    assert.equal(get.json().errors[0].code, 'ENTITY_INVALID');
    const del = await h.stratus.app.inject({
      method: 'DELETE',
      url: '/v1/ciWorkflows/whatever',
      headers,
      payload: '{"data":{}}',
    });
    assert.equal(del.statusCode, 400);
    assert.equal(del.json().errors[0].code, 'ENTITY_INVALID');
    const form = await h.stratus.app.inject({
      method: 'POST',
      url: '/v1/ciWorkflows',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    assert.equal(form.statusCode, 415);
    const broken = await h.stratus.app.inject({
      method: 'PATCH',
      url: `/v1/ciWorkflows/${ids.workflow.id}`,
      headers,
      payload: '{"data":',
    });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().errors[0].code, 'ENTITY_INVALID');
  });
});
