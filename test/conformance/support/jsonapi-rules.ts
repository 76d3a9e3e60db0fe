/**
 * The JSON:API rules every successful read must keep, checked against what the
 * contract's schema says for each resource type (JSON:API 1.0 sections named
 * at each check; App Store Connect's habits from API-BEHAVIOR §4).
 */
import assert from 'node:assert/strict';
import { assertMatches, deref, schemaNameOfType, contract } from './contract-validator.ts';
import type { ContractOperation } from './contract-operations.ts';

type Json = any;

function resourceSchema(type: string): Json {
  const name = schemaNameOfType.get(type);
  assert.ok(name, `the contract has no resource schema for '${type}'`);
  return contract.components.schemas[name];
}

export function attributeNames(type: string): string[] {
  return Object.keys(deref(resourceSchema(type).properties.attributes)?.properties ?? {});
}

export function relationshipSchemas(type: string): [string, Json][] {
  const rels = deref(resourceSchema(type).properties.relationships)?.properties ?? {};
  return Object.entries<Json>(rels).map(([name, s]) => [name, deref(s)]);
}

/** Every member named `links`, anywhere in the document, holds absolute URLs of this server. */
function assertLinksAbsolute(node: Json, base: string, where: string): void {
  if (Array.isArray(node)) return node.forEach((n, i) => assertLinksAbsolute(n, base, where));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries<Json>(node)) {
    if (key === 'links') {
      for (const [name, url] of Object.entries<Json>(value)) {
        assert.ok(
          typeof url === 'string' && url.startsWith(`${base}/`),
          `${where}: links.${name} '${url}' is not an absolute URL of this server`,
        );
      }
    } else assertLinksAbsolute(value, base, where);
  }
}

interface ResourceRules {
  base: string;
  fields: Map<string, Set<string>>;
  /** Relationships named in `include`; empty for included resources (no nested includes). */
  include: Set<string>;
  where: string;
}

function assertResource(resource: Json, rules: ResourceRules): void {
  const { type, id } = resource;
  const where = `${rules.where} ${type}/${id}`;
  const self = `${rules.base}/v1/${type}/${encodeURIComponent(id).replace(/%3A/gi, ':')}`;
  assert.deepEqual(resource.links, { self }, `${where}: links.self is the canonical URL`);

  // Sparse fieldsets (§ Sparse Fieldsets): only what fields[type] names; otherwise every
  // attribute, null when unset (API-BEHAVIOR §4.1).
  const wanted = rules.fields.get(type);
  const expected = attributeNames(type).filter((a) => !wanted || wanted.has(a));
  assert.deepEqual(
    Object.keys(resource.attributes ?? {}).sort(),
    expected.sort(),
    `${where}: attributes`,
  );

  const relationships = resource.relationships ?? {};
  for (const name of Object.keys(relationships)) {
    assert.ok(!wanted || wanted.has(name), `${where}: relationship ${name} is not in fields`);
  }
  for (const [name, schema] of relationshipSchemas(type)) {
    const rel = relationships[name];
    if (wanted && !wanted.has(name)) continue;
    const hasLinks = Boolean(schema.properties?.links);
    const hasData = Boolean(schema.properties?.data);
    const included = rules.include.has(name);
    if (hasLinks) {
      assert.deepEqual(
        rel?.links,
        { self: `${self}/relationships/${name}`, related: `${self}/${name}` },
        `${where}: ${name} carries links.self and links.related`,
      );
    } else {
      assert.equal(rel?.links, undefined, `${where}: ${name} has no links in the contract`);
    }
    if (included) {
      assert.ok(hasData, `${where}: ${name} is included but the contract gives it no data`);
      assert.ok(rel && 'data' in rel, `${where}: included ${name} carries data`);
    } else {
      assert.ok(!rel || !('data' in rel), `${where}: ${name} carries data without include`);
    }
  }
}

function identifiers(resource: Json): string[] {
  const out: string[] = [];
  for (const rel of Object.values<Json>(resource.relationships ?? {})) {
    for (const d of [rel.data ?? []].flat()) out.push(`${d.type}:${d.id}`);
  }
  return out;
}

/** Every rule for one 2xx document of a GET operation. */
export function assertReadDocument(
  op: ContractOperation,
  query: URLSearchParams,
  doc: Json,
  base: string,
  where: string,
): void {
  assert.ok(op.successSchema, `${op.path} declares a response schema`);
  assertMatches(op.successSchema, doc, where);
  assertLinksAbsolute(doc, base, where);

  const fields = new Map<string, Set<string>>();
  for (const [name, value] of query) {
    const m = /^fields\[(\w+)\]$/.exec(name);
    if (m) fields.set(m[1]!, new Set(value.split(',')));
  }
  const include = new Set((query.get('include') ?? '').split(',').filter(Boolean));

  const primary = [doc.data].flat().filter(Boolean);
  if (op.linkage) {
    for (const d of primary) assert.deepEqual(Object.keys(d).sort(), ['id', 'type'], where);
    return;
  }
  for (const r of primary) assertResource(r, { base, fields, include, where });

  // Compound documents (§ Compound Documents): each included resource once, never a primary
  // one, each reached by a linkage in the primary data, and every linkage resolved.
  const primaryKeys = new Set(primary.map((r) => `${r.type}:${r.id}`));
  const includedKeys = (doc.included ?? []).map((r: Json) => `${r.type}:${r.id}`);
  assert.equal(new Set(includedKeys).size, includedKeys.length, `${where}: included repeats`);
  const linked = new Set(primary.flatMap(identifiers));
  // Sparse fieldsets may drop the relationship that links an included resource (§ Fetching
  // Includes allows that), so full linkage is checked only without fields[] on the primary type.
  const fullLinkage = !primary.some((r) => fields.has(r.type));
  for (const key of includedKeys) {
    assert.ok(!primaryKeys.has(key), `${where}: ${key} is both primary and included`);
    if (fullLinkage) assert.ok(linked.has(key), `${where}: included ${key} is not linked`);
  }
  for (const key of linked) {
    assert.ok(
      primaryKeys.has(key) || includedKeys.includes(key),
      `${where}: linkage ${key} is not in included`,
    );
  }
  if (doc.included) assert.ok(doc.included.length > 0, `${where}: included is empty`);
  for (const r of doc.included ?? []) {
    assertResource(r, { base, fields, include: new Set(), where: `${where} included` });
  }
}
