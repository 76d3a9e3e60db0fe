/**
 * Which values the contract lists for each enum in a resource's attributes,
 * and which of them responses actually carried. Positions are named by type
 * and path, e.g. `ciBuildRuns.completionStatus` or `ciWorkflows.actions[].platform`.
 */
import { contract, deref, schemaNameOfType } from './contract-validator.ts';

type Json = any;

function walkSchema(schema: Json, path: string, out: Map<string, string[]>, depth = 0): void {
  const s = deref(schema);
  if (!s || depth > 8) return;
  if (Array.isArray(s.enum)) out.set(path, s.enum);
  for (const [name, sub] of Object.entries<Json>(s.properties ?? {})) {
    walkSchema(sub, path ? `${path}.${name}` : name, out, depth + 1);
  }
  if (s.items) walkSchema(s.items, `${path}[]`, out, depth + 1);
}

function walkValue(schema: Json, value: Json, path: string, seen: Map<string, Set<string>>): void {
  const s = deref(schema);
  if (!s || value === null || value === undefined) return;
  if (Array.isArray(s.enum) && typeof value === 'string') {
    const set = seen.get(path) ?? new Set();
    set.add(value);
    seen.set(path, set);
  }
  if (s.properties && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, sub] of Object.entries<Json>(s.properties)) {
      walkValue(sub, value[name], path ? `${path}.${name}` : name, seen);
    }
  }
  if (s.items && Array.isArray(value)) {
    for (const item of value) walkValue(s.items, item, `${path}[]`, seen);
  }
}

function attributesSchema(type: string): Json {
  return deref(contract.components.schemas[schemaNameOfType.get(type)!].properties.attributes);
}

/** `${type}.${path}` → the values the contract lists there, for the given types. */
export function contractEnums(types: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const type of types) {
    const found = new Map<string, string[]>();
    walkSchema(attributesSchema(type), '', found);
    for (const [path, values] of found) out.set(`${type}.${path}`, values);
  }
  return out;
}

/** `${type}.${path}` → the values seen in the resources of these documents. */
export function observedEnums(documents: Iterable<Json>): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const doc of documents) {
    for (const resource of [doc?.data, doc?.included ?? []].flat()) {
      if (!resource?.attributes || !schemaNameOfType.has(resource.type)) continue;
      const local = new Map<string, Set<string>>();
      walkValue(attributesSchema(resource.type), resource.attributes, '', local);
      for (const [path, values] of local) {
        const key = `${resource.type}.${path}`;
        const set = seen.get(key) ?? new Set();
        for (const v of values) set.add(v);
        seen.set(key, set);
      }
    }
  }
  return seen;
}
