/**
 * The project's copy of Apple's contract, compiled with ajv so that every
 * response can be checked against the schema the contract gives for it.
 *
 * The contract is OpenAPI 3.0: `nullable: true` sits beside `type` (3.1 would
 * write `type: [x, 'null']`), so each nullable schema becomes `anyOf [schema,
 * null]` before ajv sees it. Two further readings, both narrow:
 *
 * - Apple's document marks no response attribute nullable, yet the live service
 *   sends every unset attribute, nested ones too, as an explicit null
 *   (API-BEHAVIOR §4.1 and its examples), and a to-one relationship with
 *   nothing behind it as `data: null` (JSON:API 1.0, "Resource Linkage").
 *   Resource attributes at any depth and to-one linkage therefore accept null.
 * - Objects the contract describes by their properties are closed here
 *   (`additionalProperties: false`) so that a member Stratus invents, or a
 *   misspelt one, fails validation instead of passing unnoticed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = any;

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = ((addFormatsModule as Json).default ?? addFormatsModule) as (a: Ajv) => Ajv;

export const contract: Json = JSON.parse(
  readFileSync(new URL('../../../src/contract/asc-ci-openapi.json', import.meta.url), 'utf8'),
);

export function deref(schema: Json): Json {
  if (!schema?.$ref) return schema;
  const name = String(schema.$ref).replace('#/components/schemas/', '');
  return contract.components.schemas[name];
}

/** Component name of a resource type, e.g. ciBuildRuns → CiBuildRun. */
export const schemaNameOfType: ReadonlyMap<string, string> = new Map(
  Object.entries<Json>(contract.components.schemas)
    .filter(([, s]) => s?.properties?.type?.enum && s.properties.id && s.properties.links)
    .map(([name, s]) => [s.properties.type.enum[0] as string, name]),
);

function nullable(schema: Json): Json {
  return { anyOf: [schema, { type: 'null' }] };
}

function transform(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(transform);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries<Json>(schema)) {
    out[key] = key === 'properties' ? mapValues(value, transform) : transform(value);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (out.nullable === true) {
    delete out.nullable;
    return nullable(out);
  }
  return out;
}

function mapValues(object: Json, fn: (v: Json) => Json): Json {
  return Object.fromEntries(Object.entries<Json>(object).map(([k, v]) => [k, fn(v)]));
}

/** Lets every property of `schema`, at any depth and through $refs, be null. */
function nullableProperties(schema: Json, schemas: Json, done: Set<Json>): void {
  if (!schema || typeof schema !== 'object' || done.has(schema)) return;
  done.add(schema);
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    return nullableProperties(schemas[name], schemas, done);
  }
  if (schema.properties) {
    for (const value of Object.values<Json>(schema.properties))
      nullableProperties(value, schemas, done);
    schema.properties = mapValues(schema.properties, (p) => (p.anyOf ? p : nullable(p)));
  }
  for (const key of ['items', 'anyOf', 'oneOf']) {
    for (const sub of [schema[key] ?? []].flat()) nullableProperties(sub, schemas, done);
  }
}

function loosenResource(schema: Json, schemas: Json): void {
  nullableProperties(schema.properties.attributes, schemas, new Set());
  const relationships = schema.properties.relationships;
  for (const rel of Object.values<Json>(relationships?.properties ?? {})) {
    const data = rel.properties?.data;
    if (data && data.type === 'object') rel.properties.data = nullable(data);
  }
}

function compileContract(): Ajv {
  const schemas = mapValues(contract.components.schemas, transform);
  for (const name of schemaNameOfType.values()) loosenResource(schemas[name], schemas);
  for (const [name, schema] of Object.entries<Json>(schemas)) {
    const data = schema.properties?.data;
    if (name.endsWith('LinkageResponse') && data?.type === 'object') {
      schema.properties.data = nullable(data);
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: { schemas } }, 'contract');
  return ajv;
}

const ajv = compileContract();
const cache = new Map<string, ValidateFunction>();

/** The validator for a component schema, e.g. 'ErrorResponse'. */
export function validatorFor(name: string): ValidateFunction {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.getSchema(`contract#/components/schemas/${name}`);
    if (!validate) throw new Error(`the contract has no schema '${name}'`);
    cache.set(name, validate);
  }
  return validate;
}

/** Component name of the schema an operation declares for `status`. */
export function responseSchemaName(path: string, method: string, status: number): string | null {
  const response = contract.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)];
  const ref: string | undefined = response?.content?.['application/json']?.schema?.$ref;
  return ref ? ref.replace('#/components/schemas/', '') : null;
}

/** Throws with ajv's messages when `body` does not satisfy the schema `name`. */
export function assertMatches(name: string, body: unknown, what: string): void {
  const validate = validatorFor(name);
  if (!validate(body)) {
    const problems = (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`${what} does not match ${name}:\n  ${problems.join('\n  ')}`);
  }
}
