/**
 * Stratus's own OpenAPI document, served at /openapi.json.
 *
 * It is made from the contract the router, the query parser and the document
 * builder compile (jsonapi/contract.ts), so it cannot drift from what they do:
 * the operations this server performs, their parameters as the parser enforces
 * them, and the component schemas they reference. Two changes say what Stratus
 * does beyond Apple's document: `servers` is this server's public URL, and
 * response attributes and to-one linkage are `nullable`, since an unset value
 * is sent as an explicit null (as App Store Connect does).
 */
import { contractDocument, operations, type Operation } from './jsonapi/contract.ts';

type Json = any;

/**
 * Writes that have a handler; the contract's other writes answer 403 and are left out
 * of the document. A write lands here with its handler.
 */
export const servedWrites: ReadonlySet<string> = new Set([
  'POST /v1/ciBuildRuns',
  'POST /v1/ciWorkflows',
  'PATCH /v1/ciWorkflows/{id}',
  'DELETE /v1/ciWorkflows/{id}',
  'DELETE /v1/ciProducts/{id}',
]);

export function isServed(op: Pick<Operation, 'method' | 'path'>): boolean {
  return op.method === 'GET' || servedWrites.has(`${op.method} ${op.path}`);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function refName(ref: string): string {
  return ref.replace('#/components/schemas/', '');
}

/** Names of the component schemas reachable from `node`, following $refs. */
function reachableSchemas(node: Json, schemas: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) reachableSchemas(n, schemas, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries<Json>(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = refName(value);
        if (!found.has(name)) {
          found.add(name);
          reachableSchemas(schemas[name], schemas, found);
        }
      } else reachableSchemas(value, schemas, found);
    }
  }
  return found;
}

/**
 * OpenAPI 3.0 `nullable` counts only beside `type`, and an enum admits null only when
 * it lists null (3.0.3's clarification); both are written so.
 */
function markNullable(schema: Json): void {
  if (!schema || typeof schema !== 'object' || !schema.type) return;
  schema.nullable = true;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
}

/**
 * Every property under a resource's attributes may be null, at any depth. A referenced
 * schema is copied in place, since siblings of a $ref are ignored in OpenAPI 3.0.
 */
function nullableAttributes(schema: Json, schemas: Json): void {
  if (!schema || typeof schema !== 'object') return;
  for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
    const own = property.$ref ? clone(schemas[refName(property.$ref)]) : property;
    nullableAttributes(own, schemas);
    markNullable(own);
    schema.properties[name] = own;
  }
  if (schema.items) {
    if (schema.items.$ref) schema.items = clone(schemas[refName(schema.items.$ref)]);
    nullableAttributes(schema.items, schemas);
  }
}

function stratusSchemas(names: Set<string>): Json {
  const schemas: Json = {};
  for (const name of [...names].sort()) {
    schemas[name] = clone(contractDocument.components.schemas[name]);
  }
  for (const schema of Object.values<Json>(schemas)) {
    const props = schema.properties;
    const isResource = props?.type?.enum && props.id && props.links;
    if (isResource) {
      nullableAttributes(props.attributes, schemas);
      for (const rel of Object.values<Json>(props.relationships?.properties ?? {})) {
        if (rel.properties?.data?.type === 'object') markNullable(rel.properties.data);
      }
    }
  }
  for (const [name, schema] of Object.entries<Json>(schemas)) {
    const data = schema.properties?.data;
    if (name.endsWith('LinkageResponse') && data?.type === 'object') markNullable(data);
  }
  return schemas;
}

/** The document for a server reached at `publicUrl`. */
export function openApiDocument(publicUrl: string, version: string): Json {
  const paths: Json = {};
  for (const op of operations.filter(isServed)) {
    const item = (paths[op.path] ??= {});
    const source = contractDocument.paths[op.path];
    if (source.parameters) item.parameters = clone(source.parameters);
    item[op.method.toLowerCase()] = clone(source[op.method.toLowerCase()]);
  }
  // Copied references leave some schemas unused: keep only what the paths still reach.
  const all = stratusSchemas(reachableSchemas(paths, contractDocument.components.schemas));
  const schemas: Json = {};
  for (const name of [...reachableSchemas(paths, all)].sort()) schemas[name] = all[name];
  return {
    openapi: '3.0.1',
    info: {
      title: 'Stratus',
      version,
      description:
        "App Store Connect's Xcode Cloud API as this server performs it: Apple's CI " +
        'operations that Stratus serves, with their parameters and schemas.',
      'x-contract-version': contractDocument.info.version,
    },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      schemas,
      securitySchemes: clone(contractDocument.components.securitySchemes),
    },
    security: clone(contractDocument.security),
  };
}
