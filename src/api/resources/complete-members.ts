/**
 * Fills in the members a contract schema declares but a stored value leaves
 * out, so that a response shows every member, as App Store Connect does: an
 * unset scalar or object is `null`, an unset list is `[]` (Apple's workflow
 * example reads `{"source":{"isAllMatch":true,"patterns":[]}}`).
 */
import { contractDocument } from '../jsonapi/contract.ts';

type Json = any;

// Resolved once per reference: responses complete the same few schemas over and over.
const resolved = new Map<string, Json>();

function deref(schema: Json): Json {
  const ref: string | undefined = schema?.$ref;
  if (!ref) return schema;
  let target = resolved.get(ref);
  if (target === undefined) {
    target = deref(
      ref
        .replace(/^#\//, '')
        .split('/')
        .reduce((node: Json, key) => node[key], contractDocument),
    );
    resolved.set(ref, target);
  }
  return target;
}

/**
 * Returns `value` with every member its schema declares, recursively through
 * objects and lists. Members the schema does not declare are kept as they are.
 *
 * @example
 * completeMembers({ source: { isAllMatch: true } }, manualBranchSchema);
 * // { source: { isAllMatch: true, patterns: [] } }
 */
export function completeMembers(value: unknown, schema: Json): unknown {
  const node = deref(schema);
  if (value === undefined || value === null) return node?.type === 'array' ? [] : null;
  if (node?.type === 'array' && Array.isArray(value)) {
    return value.map((item) => completeMembers(item, node.items));
  }
  if (node?.properties && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries<Json>(node.properties)) {
      out[name] = completeMembers((value as Record<string, unknown>)[name], member);
    }
    return { ...value, ...out };
  }
  return value;
}

/** The schema of one attribute of a resource, as the contract's response schema declares it. */
export function attributeSchema(schemaName: string, attribute: string): Json {
  const resource = contractDocument.components.schemas[schemaName];
  const schema = deref(resource?.properties?.attributes)?.properties?.[attribute];
  if (!schema) throw new Error(`the contract's ${schemaName} has no attribute '${attribute}'`);
  return schema;
}
