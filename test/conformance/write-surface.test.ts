/**
 * Every POST, PATCH and DELETE the contract declares, driven from its request
 * schemas: bodies built from the schema with ids that exist must succeed with
 * the contract's status and response schema. Writes this server does not
 * perform yet are listed, answer 403, and the list fails once one succeeds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contractOperations,
  fillPath,
  type ContractOperation,
} from './support/contract-operations.ts';
import { assertMatches, responseSchemaName } from './support/contract-validator.ts';
import { bodyVariants } from './support/request-bodies.ts';
import { crawlSurface, richestId, type Surface } from './support/served-surface.ts';
import { startBody, startHarness } from '../support/harness.ts';
import { NOT_SERVED_YET } from './support/not-served-yet.ts';
import { reportMacRunner } from './support/mac-toolchain.ts';

type Json = any;

/**
 * Relationships a body always carries although the schema leaves them optional: a run
 * is started for a workflow (Apple's documentation of CiBuildRunCreateRequest).
 */
const ANCHORS: Record<string, string[]> = {
  'POST /v1/ciBuildRuns': ['workflow'],
};

// Deletes last, a workflow before its product, so that each write finds what it names.
const writes = contractOperations
  .filter((op) => op.method !== 'GET')
  .sort((a, b) => order(a) - order(b) || b.path.localeCompare(a.path));

function order(op: ContractOperation): number {
  return { POST: 0, PATCH: 1, DELETE: 2, GET: 3 }[op.method];
}

const key = (op: ContractOperation) => `${op.method} ${op.path}`;

describe('the write surface, driven from the contract’s request schemas', () => {
  let s: Surface;

  before(async () => {
    const h = await startHarness({
      runners: 0,
      // A product with no runs, for the delete to remove (one with queued runs is a 409).
      editConfig: (config) =>
        config.products.push({
          ...config.products[0],
          name: 'Spare',
          bundleId: 'com.example.spare',
          workflows: [],
        }),
    });
    await reportMacRunner(h);
    const known = { documents: [], workflowId: '', runIds: [] };
    // One run first, so that a rebuild body has a run to name.
    const workflow = (await crawlSurface(h, known)).ids.get('ciWorkflows')![0]!;
    assert.equal((await h.api.request('POST', '/v1/ciBuildRuns', startBody(workflow))).status, 201);
    s = await crawlSurface(h, known);
  });
  after(() => s.h.close());

  const assertError = (
    r: { status: number; json: Json },
    status: number,
    code: string,
    where: string,
  ) => {
    assert.equal(r.status, status, `${where}: ${JSON.stringify(r.json)}`);
    assertMatches('ErrorResponse', r.json, where);
    assert.equal(r.json.errors[0].status, String(status), where);
    assert.equal(r.json.errors[0].code, code, where);
  };

  test('every write the contract declares is either served or listed as not served', () => {
    for (const name of NOT_SERVED_YET) {
      assert.ok(
        writes.some((op) => key(op) === name),
        `${name} is not in the contract`,
      );
    }
  });

  for (const op of writes) {
    const served = !NOT_SERVED_YET.has(key(op));

    test(`${key(op)} with bodies built from ${op.requestSchema ?? 'no body'}`, async () => {
      // Writes aim at the newest resource of the type: for deletes, the workflow made by the
      // POST above and the spare product, neither with runs queued.
      const id = op.hasId ? (s.ids.get(op.ownerType)?.at(-1) ?? null) : null;
      assert.ok(!op.hasId || id, `no ${op.ownerType} to write to`);
      const path = id === null ? op.path : fillPath(op, id);
      const variants = op.requestSchema
        ? bodyVariants(op.requestSchema, s.ids, { id: id ?? undefined, anchors: ANCHORS[key(op)] })
        : [{ relationships: [], body: undefined, missing: [] }];

      const tried: string[] = [];
      for (const variant of variants) {
        const where = `${key(op)} with ${variant.relationships.join(', ') || 'no relationships'}`;
        const r = await s.h.api.request(op.method, path, variant.body);
        tried.push(where);
        if (!served) {
          assertError(r, 403, 'FORBIDDEN_ERROR', where);
          continue;
        }
        assert.deepEqual(variant.missing, [], `${where}: no id of these types for a valid body`);
        assert.equal(r.status, op.successStatus, `${where}: ${JSON.stringify(r.json)}`);
        if (op.successSchema) assertMatches(op.successSchema, r.json, where);
        if (op.successStatus === 201) {
          assert.equal(r.headers.get('location'), r.json.data.links.self, `${where}: Location`);
        }
        if (r.json?.data?.id && r.json.data.type) {
          s.ids.set(r.json.data.type, [...(s.ids.get(r.json.data.type) ?? []), r.json.data.id]);
        }
      }
      if (key(op) === 'POST /v1/ciBuildRuns') {
        assert.deepEqual(tried, [
          'POST /v1/ciBuildRuns with workflow',
          'POST /v1/ciBuildRuns with workflow, buildRun',
          'POST /v1/ciBuildRuns with workflow, sourceBranchOrTag',
        ]);
      }
    });

    test(`${key(op)} refuses a query string, an unknown id and bodies that are not JSON:API`, async () => {
      const id = op.hasId ? (richestId(s, op.ownerType, null) ?? 'none') : null;
      const path = id === null ? op.path : fillPath(op, id);
      const query = await s.h.api.request(op.method, `${path}?bogus=1`, {});
      assertError(query, 400, 'PARAMETER_ERROR.ILLEGAL', `${key(op)}?bogus=1`);
      assert.deepEqual(query.json.errors[0].source, { parameter: 'bogus' });

      if (op.hasId) {
        const body = op.requestSchema
          ? { data: { type: op.ownerType, id: 'stratus-unknown-id' } }
          : undefined;
        const r = await s.h.api.request(op.method, fillPath(op, 'stratus-unknown-id'), body);
        // A write not served yet answers 403, except a delete, which looks the id up first.
        const status = served || op.method === 'DELETE' ? 404 : 403;
        assertError(
          r,
          status,
          status === 404 ? 'NOT_FOUND' : 'FORBIDDEN_ERROR',
          `${key(op)} unknown id`,
        );
      }
      if (!op.requestSchema) return;
      const send = (body: string, type: string) =>
        fetchWithToken(s, op.method, path, body, type).then(async (res) => ({
          status: res.status,
          json: await res.json(),
        }));
      const cases: [string, string, number, string][] = [
        ['application/json', '{"data":', 400, 'ENTITY_INVALID'],
        ['text/plain', '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ['application/json', '{"data":[]}', 422, 'ENTITY_UNPROCESSABLE'],
        ['application/json', '[]', 422, 'ENTITY_UNPROCESSABLE'],
      ];
      for (const [type, body, status, code] of cases) {
        const r = await send(body, type);
        if (served) assertError(r, status, code, `${key(op)} ${type} ${body}`);
        else assertError(r, 403, 'FORBIDDEN_ERROR', `${key(op)} ${type} ${body}`);
        const schema = responseSchemaName(op.path, op.method, r.status);
        if (schema) assertMatches(schema, r.json, `${key(op)} ${r.status}`);
      }
    });
  }
});

async function fetchWithToken(
  s: Surface,
  method: string,
  path: string,
  body: string,
  type: string,
) {
  const { signToken } = await import('../../src/auth/sign-token.ts');
  const token = await signToken({ ...s.h.key, privateKeyPem: s.h.privateKeyPem });
  return fetch(`${s.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
}
