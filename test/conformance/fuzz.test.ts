/**
 * Random requests through app.inject() (no ports) with a valid token: query
 * strings made of the contract's parameter names, garbage, repeats, odd
 * encodings, huge numbers and unicode against every GET; random JSON, random
 * JSON:API-shaped documents, bytes that are not JSON and other content types
 * against every write. Whatever comes in, the answer is never a 5xx, every
 * failure is an ErrorResponse whose code belongs to its status, and every
 * success matches the contract's response schema.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  contractOperations,
  fillPath,
  type ContractOperation,
} from './support/contract-operations.ts';
import { assertMatches, responseSchemaName } from './support/contract-validator.ts';
import { crawlSurface, type Surface } from './support/served-surface.ts';
import { startHarness } from '../support/harness.ts';
import { signToken } from '../../src/auth/sign-token.ts';

type Json = any;

/** The code families App Store Connect uses for each status (API-BEHAVIOR §3.2). */
const CODES: Record<number, RegExp> = {
  400: /^(PARAMETER_ERROR\.|ENTITY_INVALID|BAD_REQUEST)/,
  401: /^NOT_AUTHORIZED$/,
  403: /^FORBIDDEN_ERROR/,
  404: /^(NOT_FOUND|PATH_ERROR)/,
  405: /^METHOD_NOT_ALLOWED$/,
  409: /^(ENTITY_ERROR\.|STATE_ERROR)/,
  413: /^ENTITY_TOO_LARGE$/,
  415: /^UNSUPPORTED_MEDIA_TYPE$/,
  422: /^ENTITY_UNPROCESSABLE/,
  429: /^RATE_LIMIT_EXCEEDED$/,
};

const RUNS = Number(process.env.STRATUS_FUZZ_RUNS ?? 2500);

const reads = contractOperations.filter((op) => op.method === 'GET');
const writes = contractOperations.filter((op) => op.method !== 'GET');
const parameterNames = [
  ...new Set(contractOperations.flatMap((op) => op.parameters.map((p) => p.name))),
];
const enumValues = [
  ...new Set(contractOperations.flatMap((op) => op.parameters.flatMap((p) => p.values ?? []))),
];
const types = [...new Set(contractOperations.map((op) => op.ownerType))];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    ',',
    ',,',
    '-',
    '--number',
    'null',
    'undefined',
    '[]',
    '{}',
    '%',
    '\u0000',
  ),
);
const number = fc.oneof(
  fc.integer({ min: -5, max: 250 }).map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double().map(String),
  fc.constantFrom('1e3', '0x10', '+5', ' 5', '5 ', '٣', '１', '1.0', 'Infinity', 'NaN'),
);
const paramName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...parameterNames, 'cursor', 'limit', 'include', 'sort'),
  },
  { weight: 1, arbitrary: text },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('fields', 'filter', 'limit', 'exists'), text)
      .map(([a, b]) => `${a}[${b}]`),
  },
);
const paramValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...enumValues) },
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom(...enumValues), { maxLength: 6 }).map((v) => v.join(',')),
  },
  { weight: 3, arbitrary: number },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=+$/, '')) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(5000)) },
);
/** encodeURIComponent refuses lone surrogates; they become U+FFFD first. */
function encodeAny(s: string): string {
  return encodeURIComponent(
    s.replace(/[\uD800-\uDFFF]/g, (c, i) => {
      const code = c.charCodeAt(0);
      const pairOk =
        code < 0xdc00
          ? /[\uDC00-\uDFFF]/.test(s[i + 1] ?? '')
          : /[\uD800-\uDBFF]/.test(s[i - 1] ?? '');
      return pairOk ? c : '\uFFFD';
    }),
  );
}

/** How a pair is written into the URL: encoded, raw, or with broken percent escapes. */
const encode = fc.constantFrom(
  (s: string) => encodeAny(s),
  (s: string) => encodeAny(s).replace(/%2C/g, ',').replace(/%5B/g, '[').replace(/%5D/g, ']'),
  (s: string) => `${encodeAny(s)}%`,
  (s: string) => `%E0%A4${encodeAny(s)}%zz`,
);
const query = fc
  .array(fc.tuple(paramName, paramValue, encode), { maxLength: 6 })
  .map((pairs) => pairs.map(([n, v, e]) => `${e(n)}=${e(v)}`).join('&'));

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'APPLICATION/JSON',
      '',
    ),
  },
);

describe('fuzzing the API through inject()', () => {
  let s: Surface;
  let authorization: string;

  before(async () => {
    const h = await startHarness({ runners: 0, flags: { 'rate-limit': '100000000' } });
    s = await crawlSurface(h, { documents: [], workflowId: '', runIds: [] });
    const token = await signToken({
      ...h.key,
      privateKeyPem: h.privateKeyPem,
      lifetimeSeconds: 1200,
    });
    authorization = `Bearer ${token}`;
  });
  after(() => s.h.close());

  const anyId = () =>
    fc.oneof(
      fc.constantFrom(...[...s.ids.values()].flat()),
      text.map((t) => encodeAny(t) || 'x'),
    );

  async function send(method: string, url: string, body?: Buffer | string, type?: string) {
    const headers: Record<string, string> = { authorization };
    if (type !== undefined) headers['content-type'] = type;
    const r = await s.h.stratus.app.inject({
      method: method as never,
      url,
      headers,
      payload: body,
    });
    return { status: r.statusCode, body: r.body, type: r.headers['content-type'] };
  }

  function assertAnswer(op: ContractOperation | null, url: string, r: Json): void {
    const where = `${url} → ${r.status} ${r.body.slice(0, 300)}`;
    assert.ok(r.status < 500, where);
    if (r.status === 204) return assert.equal(r.body, '', where);
    assert.equal(r.type, 'application/json', where);
    const doc = JSON.parse(r.body);
    if (r.status >= 400) {
      assertMatches('ErrorResponse', doc, where);
      assert.ok(doc.errors.length > 0, where);
      for (const e of doc.errors) {
        assert.equal(e.status, String(r.status), where);
        assert.match(e.code, CODES[r.status] ?? /^$/, where);
      }
      const declared = op && responseSchemaName(op.path, op.method, r.status);
      if (declared) assertMatches(declared, doc, where);
    } else if (op?.successSchema) {
      assert.equal(r.status, op.successStatus, where);
      assertMatches(op.successSchema, doc, where);
    }
  }

  test('random query strings on every GET', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), anyId(), query, async (op, id, q) => {
        const url = `${op.hasId ? fillPath(op, id).replace(/%25/g, '%') : op.path}?${q}`;
        assertAnswer(op, url, await send('GET', url));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('random bodies on every write', async () => {
    const relationship = fc.record(
      {
        data: fc.oneof(
          fc.record({ type: fc.oneof(fc.constantFrom(...types), text), id: anyId() }),
          fc.array(fc.record({ type: fc.constantFrom(...types), id: anyId() }), { maxLength: 2 }),
          fc.constant(null),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    const document = fc.record(
      {
        data: fc.record(
          {
            type: fc.oneof(fc.constantFrom(...types), text),
            id: anyId(),
            attributes: fc.oneof(fc.dictionary(text, fc.jsonValue()), fc.anything()),
            relationships: fc.oneof(
              fc.dictionary(
                fc.oneof(
                  fc.constantFrom(
                    'workflow',
                    'sourceBranchOrTag',
                    'buildRun',
                    'pullRequest',
                    'product',
                  ),
                  text,
                ),
                relationship,
              ),
              fc.anything(),
            ),
          },
          { requiredKeys: [] },
        ),
        included: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      { weight: 4, arbitrary: document.map((d) => JSON.stringify(d)) },
      { weight: 2, arbitrary: fc.json() },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
      { weight: 1, arbitrary: fc.constant(`{"data":${'['.repeat(5000)}`) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writes),
        anyId(),
        body,
        contentType,
        fc.option(query, { freq: 5 }),
        async (op, id, payload, type, q) => {
          // Deleting the product would leave nothing to fuzz: deletes aim at unknown ids.
          const target = op.method === 'DELETE' ? `fuzz-${id}` : id;
          const path = op.hasId ? fillPath(op, target).replace(/%25/g, '%') : op.path;
          const url = q ? `${path}?${q}` : path;
          assertAnswer(op, url, await send(op.method, url, payload, type));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('random methods and paths', async () => {
    const segment = fc.oneof(fc.constantFrom(...types, 'relationships', 'v1', '..', '.'), text);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'),
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        async (method, segments) => {
          const url = `/v1/${segments.map((x) => encodeAny(x)).join('/')}`;
          const r = await send(
            method,
            url,
            method === 'GET' || method === 'HEAD' ? undefined : '{}',
            'application/json',
          );
          if (method === 'HEAD') return assert.ok(r.status < 500, url);
          assertAnswer(null, url, r);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });
});
