/**
 * Every GET the contract declares, driven from the contract: valid queries
 * (each include, each field alone and all together, limits at 1 and at the
 * maximum, sorts, filters, paging to the end) validated against the response
 * schema and the JSON:API rules, and one invalid query per rule validated
 * against the ErrorResponse schema. Against a real server with real builds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contractOperations,
  fillPath,
  type ContractOperation,
} from './support/contract-operations.ts';
import { assertMatches, responseSchemaName } from './support/contract-validator.ts';
import { assertReadDocument } from './support/jsonapi-rules.ts';
import { contractEnums, observedEnums } from './support/enum-coverage.ts';
import { invalidQueries, queryString, validQueries, type Pairs } from './support/query-cases.ts';
import { richestId, startSurface, type Surface } from './support/served-surface.ts';

type Json = any;

/**
 * Types the contract links to that Stratus keeps no records of. Each must have none
 * (the list goes stale, and this test fails, once one gains records), and every other
 * type must have some, so that its operations are exercised with a real id.
 */
const TYPES_WITHOUT_RECORDS: Record<string, string> = {
  apps: 'App Store apps live in App Store Connect, not on a build server',
  bundleIds: 'bundle ids are registered with Apple, not on a build server',
  builds: 'no archive is uploaded for distribution from this server',
  scmProviders:
    'providers come from hosted clone URLs (github.com, …); these repositories are local',
  scmPullRequests: 'local repositories have no pull requests',
};

const reads = contractOperations.filter((op) => op.method === 'GET');

describe('the read surface, operation by operation, as the contract declares it', () => {
  let s: Surface;

  before(async () => {
    s = await startSurface();
  });
  after(() => s.h.close());

  const get = async (path: string) => {
    const r = await s.h.api.request('GET', path);
    if (r.status === 200) s.documents.push(r.json);
    return r;
  };

  const assertError = (
    op: ContractOperation,
    r: { status: number; json: Json },
    status: number,
    code: string,
    where: string,
  ) => {
    assert.equal(r.status, status, `${where}: ${JSON.stringify(r.json)}`);
    const schema = responseSchemaName(op.path, op.method, status) ?? 'ErrorResponse';
    assertMatches(schema, r.json, where);
    assert.equal(r.json.errors[0].status, String(status), where);
    assert.equal(r.json.errors[0].code, code, where);
  };

  test('exactly the types without records have none', () => {
    const types = new Set(reads.map((op) => op.ownerType));
    for (const op of reads) if (op.successSchema) types.add(op.ownerType);
    for (const type of types) {
      const has = (s.ids.get(type) ?? []).length > 0;
      if (type in TYPES_WITHOUT_RECORDS) {
        assert.ok(!has, `${type} now has records: remove it from TYPES_WITHOUT_RECORDS`);
      } else {
        assert.ok(has, `${type} has no records reachable from the collections`);
      }
    }
  });

  for (const op of reads) {
    test(`GET ${op.path}`, async () => {
      const id = op.hasId ? richestId(s, op.ownerType, op.relationship) : null;
      if (op.hasId && id === null) {
        // No record of the owner type: each valid query reaches the lookup and finds nothing.
        assert.ok(op.ownerType in TYPES_WITHOUT_RECORDS);
        for (const pairs of validQueries(op, () => 'none')) {
          const r = await get(`${fillPath(op, 'stratus-none')}${queryString(pairs)}`);
          assertError(op, r, 404, 'NOT_FOUND', `${op.path}${queryString(pairs)}`);
        }
        return;
      }
      const path = id === null ? op.path : fillPath(op, id);
      const dataType = await dataTypeOf(op, path);
      const free = (p: { name: string }) =>
        p.name === 'filter[id]' ? (s.ids.get(dataType ?? '')?.[0] ?? 'none') : 'none';

      const bare = await get(path);
      if (bare.status === 404 && !op.linkage) {
        // A to-one relationship with nothing behind it (e.g. a product's app): its linkage
        // says null, and every valid query of the related resource is a 404.
        const linkage = await get(path.replace(/\/(\w+)$/, '/relationships/$1'));
        assert.equal(linkage.status, 200);
        assert.equal(linkage.json.data, null, `${path} is 404 although its linkage is not null`);
        for (const pairs of validQueries(op, free)) {
          const r = await get(`${path}${queryString(pairs)}`);
          assertError(op, r, 404, 'NOT_FOUND', `${path}${queryString(pairs)}`);
        }
        return;
      }

      for (const pairs of validQueries(op, free)) {
        const url = `${path}${queryString(pairs)}`;
        const r = await get(url);
        assert.equal(r.status, op.successStatus, `${url}: ${JSON.stringify(r.json)}`);
        assertReadDocument(op, new URLSearchParams(pairs), r.json, s.base, url);
        assertLimitRespected(pairs, r.json, url);
        assertFiltersHold(pairs, r.json, url);
      }
      if (op.parameters.some((p) => p.name === 'limit')) await assertPagesToTheEnd(op, path);
    });

    test(`GET ${op.path} refuses each kind of bad query`, async () => {
      const id = op.hasId ? (richestId(s, op.ownerType, op.relationship) ?? 'none') : null;
      const path = id === null ? op.path : fillPath(op, id);
      for (const c of invalidQueries(op)) {
        const url = `${path}${queryString(c.pairs)}`;
        const r = await get(url);
        assertError(op, r, 400, c.code, `${c.rule}: ${url}`);
        assert.deepEqual(r.json.errors[0].source, { parameter: c.parameter }, `${c.rule}`);
      }
      if (op.hasId) {
        const r = await get(fillPath(op, 'stratus-unknown-id'));
        assertError(op, r, 404, 'NOT_FOUND', `${op.path} with an unknown id`);
      }
    });
  }

  async function dataTypeOf(op: ContractOperation, path: string): Promise<string | null> {
    const r = await get(path);
    const first = [r.json?.data].flat().find(Boolean);
    return first?.type ?? null;
  }

  function assertLimitRespected(pairs: Pairs, doc: Json, url: string): void {
    const limit = pairs.find(([n]) => n === 'limit');
    if (Array.isArray(doc.data)) {
      const expected = limit ? Number(limit[1]) : 50;
      assert.ok(doc.data.length <= expected, `${url}: more items than the limit`);
      assert.equal(doc.meta?.paging?.limit, expected, `${url}: meta.paging.limit`);
      if (!doc.links.next) {
        assert.equal(doc.meta.paging.nextCursor, undefined, `${url}: a cursor with no next`);
      }
    }
    for (const [name, value] of pairs) {
      const rel = /^limit\[(\w+)\]$/.exec(name)?.[1];
      if (!rel) continue;
      for (const r of [doc.data].flat()) {
        const data = r?.relationships?.[rel]?.data;
        if (Array.isArray(data)) assert.ok(data.length <= Number(value), `${url}: ${name}`);
      }
    }
  }

  /** Filtered lists hold only matching items, and meta.paging.total counts only those. */
  function assertFiltersHold(pairs: Pairs, doc: Json, url: string): void {
    for (const [name, value] of pairs) {
      const field = /^filter\[(\w+)\]$/.exec(name)?.[1];
      if (!field || !Array.isArray(doc.data)) continue;
      const allowed = value.split(',');
      for (const r of doc.data) {
        const actual = field === 'id' ? r.id : r.attributes?.[field];
        if (actual !== undefined) assert.ok(allowed.includes(actual), `${url}: ${r.id}`);
      }
      if (!doc.links.next) assert.equal(doc.meta.paging.total, doc.data.length, `${url}: total`);
    }
  }

  /** limit=1 followed through links.next: every item once, none missing, total right. */
  async function assertPagesToTheEnd(op: ContractOperation, path: string): Promise<void> {
    const max = op.parameters.find((p) => p.name === 'limit')!.maximum ?? 200;
    const whole = (await get(`${path}?limit=${max}`)).json;
    const ids: string[] = [];
    let next: string | undefined = `${s.base}${path}?limit=1`;
    let total: number | null = null;
    while (next) {
      const r = await get(next);
      assert.equal(r.status, 200, `${next}: ${JSON.stringify(r.json)}`);
      assertReadDocument(op, new URL(next).searchParams, r.json, s.base, next);
      assert.equal(r.json.links.self, next, 'links.self is the URL that was followed');
      total ??= r.json.meta.paging.total;
      assert.equal(r.json.meta.paging.total, total, `${next}: total changed while paging`);
      if (r.json.links.next) assert.equal(r.json.data.length, 1, `${next}: a short page`);
      // links.next only when another page exists: no page but the only one is empty.
      if (r.json.data.length === 0) assert.equal(ids.length, 0, `${next}: an empty last page`);
      ids.push(...r.json.data.map((d: Json) => `${d.type}:${d.id}`));
      next = r.json.links.next;
      assert.ok(ids.length <= (total ?? 0) + 1, `${path}: paging does not end`);
    }
    assert.equal(new Set(ids).size, ids.length, `${path}: an item repeats across pages`);
    assert.equal(ids.length, total, `${path}: meta.paging.total`);
    if (whole.meta.paging.total <= max) {
      const all = whole.data.map((d: Json) => `${d.type}:${d.id}`);
      assert.deepEqual(ids, all, `${path}: pages of 1 differ from one page of ${max}`);
    }
  }

  // Runs after every read above, so that their documents count too.
  test('every enum value the contract lists is produced, or listed as not producible', () => {
    const served = [...s.ids.keys()].filter((t) => !(t in TYPES_WITHOUT_RECORDS));
    const seen = observedEnums(s.documents);
    const missing: string[] = [];
    for (const [position, values] of contractEnums(served)) {
      const allowed = NOT_PRODUCED[position] ?? {};
      for (const value of values) {
        const produced = seen.get(position)?.has(value) ?? false;
        if (value in allowed) {
          assert.ok(!produced, `${position}=${value} is produced now: remove it from NOT_PRODUCED`);
        } else if (!produced) missing.push(`${position}=${value}`);
      }
    }
    assert.deepEqual(missing, [], 'values neither produced by these builds nor listed');
    for (const position of Object.keys(NOT_PRODUCED)) {
      assert.ok(contractEnums(served).has(position), `NOT_PRODUCED names ${position}, gone`);
    }
  });
});

/**
 * Enum values of response attributes that Stratus cannot produce, by position, with the
 * reason. The enum test fails when one of them is produced after all.
 */
const NO_CANCEL =
  'the contract has no operation that cancels a run, Stratus supersedes no run yet, and a ' +
  'server that stops mid-run ends the run ERRORED once its lease lapses';
const ONLY_MANUAL_STARTS =
  'runs start only from POST /v1/ciBuildRuns (manual starts and rebuilds): branch, tag, ' +
  'pull request and schedule triggers are not implemented';
// An action whose toolchain is missing now waits for a runner that has it, so these
// builds end no run ERRORED; runner faults do (test/e2e/restart.test.ts, test/faults/).
const ERRORED_ELSEWHERE = 'produced by runner faults, tested in test/e2e and test/faults';
const NOT_PRODUCED: Record<string, Record<string, string>> = {
  'ciIssues.issueType': { ERROR: ERRORED_ELSEWHERE },
  'ciBuildRuns.completionStatus': {
    ERRORED: ERRORED_ELSEWHERE,
    CANCELED: NO_CANCEL,
    SKIPPED: 'Stratus never skips a run: every run it starts is performed',
  },
  'ciBuildRuns.cancelReason': {
    AUTOMATICALLY_BY_NEWER_BUILD: NO_CANCEL,
    MANUALLY_BY_USER: NO_CANCEL,
  },
  'ciBuildRuns.startReason': {
    GIT_REF_CHANGE: ONLY_MANUAL_STARTS,
    PULL_REQUEST_OPEN: ONLY_MANUAL_STARTS,
    PULL_REQUEST_UPDATE: ONLY_MANUAL_STARTS,
    SCHEDULE: ONLY_MANUAL_STARTS,
  },
  'ciBuildActions.completionStatus': {
    ERRORED: ERRORED_ELSEWHERE,
    CANCELED: NO_CANCEL,
    SKIPPED: 'Stratus never skips an action: each one of a run is performed or ends the run',
  },
  'ciArtifacts.fileType': {
    ARCHIVE_EXPORT: 'archives are not exported for distribution (no signing identities)',
    STAPLED_NOTARIZED_ARCHIVE: "nothing is notarized: that needs Apple's notary service",
    XCODEBUILD_PRODUCTS: 'only test and archive actions package their output as artifacts',
  },
  'ciTestResults.status': {
    MIXED: 'a MIXED result needs one test run on several destinations, which only xcodebuild does',
  },
  'ciTestResults.destinationTestResults[].status': {
    MIXED: 'a destination result is one run of a test on one destination, never mixed',
  },
};
