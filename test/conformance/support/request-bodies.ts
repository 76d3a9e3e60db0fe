/**
 * Request bodies built from the contract's request schemas: every attribute
 * with a value of its schema's type (an enum's first value), the relationships
 * each variant needs, pointing at ids that exist on the server.
 */
import { contract, deref } from './contract-validator.ts';

type Json = any;

/**
 * Members whose schema is a bare string or integer but whose value Stratus
 * checks further (see the schedule rules in the README): a valid value each.
 */
const meaningful: Record<string, Json> = { timezone: 'UTC' };

function sample(schema: Json, depth = 0, name = ''): Json {
  if (name in meaningful) return meaningful[name];
  const s = deref(schema);
  if (!s || depth > 6) return null;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 1;
    case 'array':
      return [sample(s.items, depth + 1)];
    case 'object': {
      const out: Json = {};
      for (const [name, sub] of Object.entries<Json>(s.properties ?? {})) {
        out[name] = sample(sub, depth + 1, name);
      }
      return out;
    }
    case 'string':
      if (s.format === 'uri') return 'https://example.com/x';
      if (s.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      return 'sample';
    default:
      return null;
  }
}

export interface BodyVariant {
  /** The relationships the body carries, for the test's name. */
  relationships: string[];
  body: Json;
  /** Relationship types the body needs but the server has no id of. */
  missing: string[];
}

function relationshipTarget(schema: Json): { type: string; many: boolean } {
  const data = deref(schema).properties.data;
  const many = data.type === 'array';
  const item = deref(many ? data.items : data);
  return { type: item.properties.type.enum[0], many };
}

/**
 * One body with the required relationships plus `anchors`, and one more per other
 * relationship whose target type has an id.
 */
export function bodyVariants(
  schemaName: string,
  ids: ReadonlyMap<string, string[]>,
  options: { id?: string; anchors?: string[] } = {},
): BodyVariant[] {
  const data = deref(contract.components.schemas[schemaName].properties.data);
  const rels: Json = deref(data.properties.relationships)?.properties ?? {};
  const required: string[] = deref(data.properties.relationships)?.required ?? [];
  const base = [...new Set([...required, ...(options.anchors ?? [])])];
  const optional = Object.keys(rels).filter((name) => !base.includes(name));

  const build = (names: string[]): BodyVariant => {
    const body: Json = { data: { type: data.properties.type.enum[0] } };
    if (options.id !== undefined) body.data.id = options.id;
    if (data.properties.attributes) body.data.attributes = sample(data.properties.attributes);
    const missing: string[] = [];
    if (names.length > 0) body.data.relationships = {};
    for (const name of names) {
      const { type, many } = relationshipTarget(rels[name]);
      const id = ids.get(type)?.[0];
      if (id === undefined) missing.push(type);
      const linkage = { type, id: id ?? 'none' };
      body.data.relationships[name] = { data: many ? [linkage] : linkage };
    }
    return { relationships: names, body, missing };
  };

  const variants = [build(base)];
  for (const name of optional) {
    if (ids.has(relationshipTarget(rels[name]).type)) variants.push(build([...base, name]));
  }
  return variants;
}
