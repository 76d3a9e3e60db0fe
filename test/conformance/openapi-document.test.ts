/**
 * /openapi.json is Stratus's own document: this server's URL, the operations it
 * performs with the contract's parameters, every schema they reference, and
 * responses of the running server valid against it (OpenAPI 3.0 `nullable`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { contractOperations } from './support/contract-operations.ts';
import { contract } from './support/contract-validator.ts';
import { NOT_SERVED_YET } from './support/not-served-yet.ts';
import { startBody, startHarness, type Harness } from '../support/harness.ts';

type Json = any;

const addFormats = ((addFormatsModule as Json).default ?? addFormatsModule) as (a: Ajv) => Ajv;

describe('the OpenAPI document Stratus serves', () => {
  let h: Harness;
  let doc: Json;

  before(async () => {
    h = await startHarness({ runners: 0 });
    const r = await fetch(`${h.stratus.url}/openapi.json`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    doc = await r.json();
  });
  after(() => h.close());

  test('names this server and the contract it follows', () => {
    assert.equal(doc.openapi, '3.0.1');
    assert.deepEqual(doc.servers, [{ url: h.stratus.url }]);
    assert.equal(doc.info.title, 'Stratus');
    assert.equal(doc.info['x-contract-version'], contract.info.version);
  });

  test('lists exactly the operations this server performs, with the contract’s parameters', () => {
    const listed = Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => m !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const expected = contractOperations
      .map((op) => `${op.method} ${op.path}`)
      .filter((key) => !NOT_SERVED_YET.has(key));
    assert.deepEqual(listed.sort(), expected.sort());
    for (const key of listed) {
      const [method, path] = key.split(' ') as [string, string];
      const m = method.toLowerCase();
      assert.deepEqual(doc.paths[path][m].parameters, contract.paths[path][m].parameters, key);
      assert.deepEqual(doc.paths[path][m].responses, contract.paths[path][m].responses, key);
    }
  });

  test('every reference resolves inside the document, and no schema is unused', () => {
    const refs = new Set<string>();
    const walk = (node: Json): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries<Json>(node)) {
        if (k === '$ref') refs.add(String(v).replace('#/components/schemas/', ''));
        else walk(v);
      }
    };
    walk(doc);
    for (const name of refs) assert.ok(doc.components.schemas[name], `${name} is missing`);
    for (const name of Object.keys(doc.components.schemas)) {
      assert.ok(refs.has(name), `${name} is not referenced`);
    }
  });

  test('responses of this server validate against it, nulls included', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'stratus');
    const check = (schema: string, body: Json, where: string) => {
      const validate = ajv.getSchema(`stratus#/components/schemas/${schema}`)!;
      assert.ok(validate(body), `${where}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    };
    const products = await h.api.get('/v1/ciProducts?include=primaryRepositories');
    check('CiProductsResponse', products, 'products');
    const workflows = await h.api.get(`/v1/ciProducts/${products.data[0].id}/workflows`);
    check('CiWorkflowsResponse', workflows, 'workflows');
    const started = await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflows.data[0].id));
    check('CiBuildRunResponse', started.json, 'a new run, with null dates');
    assert.equal(started.json.data.attributes.startedDate, null);
    const run = await h.api.get(
      `/v1/ciBuildRuns/${started.json.data.id}?include=pullRequest,workflow`,
    );
    assert.equal(run.data.relationships.pullRequest.data, null);
    check('CiBuildRunResponse', run, 'a run with a null to-one linkage');
    const app = await h.api.get(`/v1/ciProducts/${products.data[0].id}/relationships/app`);
    check('CiProductAppLinkageResponse', app, 'a null linkage');
  });
});
