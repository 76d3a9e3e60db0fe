/**
 * What Apple's OpenAPI document says about each CI operation and resource type,
 * compiled once at start-up. The query parser, the document builder and the
 * router all read this, so a parameter, an include name or a limit that the
 * contract declares is honoured everywhere without being written twice.
 */
import { readFileSync } from 'node:fs';

type Json = any;

const document: Json = JSON.parse(
  readFileSync(new URL('../../contract/asc-ci-openapi.json', import.meta.url), 'utf8'),
);

export type OperationKind =
  | 'getCollection'
  | 'getInstance'
  | 'getToManyRelated'
  | 'getToOneRelated'
  | 'getToManyRelationship'
  | 'getToOneRelationship'
  | 'createInstance'
  | 'updateInstance'
  | 'deleteInstance';

export interface ParameterRule {
  name: string;
  /** Allowed values of a list parameter (fields, include, sort, enum filters). */
  values: readonly string[] | null;
  /** True for comma lists (`explode: false`). */
  list: boolean;
  integer: boolean;
  maximum: number | null;
  required: boolean;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Contract path, e.g. /v1/ciBuildRuns/{id}/actions */
  path: string;
  kind: OperationKind;
  /** Type named by the first path segment, e.g. ciBuildRuns. */
  ownerType: string;
  /** Relationship name for related and relationship operations. */
  relationship: string | null;
  /** Type of the resources in the response's data, when it has any. */
  dataType: string | null;
  parameters: ReadonlyMap<string, ParameterRule>;
  /** Whether the contract declares a request body (writes that send a document). */
  takesBody: boolean;
  successStatus: number;
}

export interface RelationshipShape {
  toMany: boolean;
  /** The contract gives it `links` (always shown) or only `data` (shown when included). */
  links: boolean;
  meta: boolean;
  targetType: string;
}

export interface ResourceShape {
  type: string;
  attributes: readonly string[];
  relationships: ReadonlyMap<string, RelationshipShape>;
}

function resolve(ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Json, key) => node[key], document);
}

function deref(schema: Json): Json {
  return schema && schema.$ref ? resolve(schema.$ref) : schema;
}

function typeOfResourceSchema(schema: Json): string | null {
  const s = deref(schema);
  return s?.properties?.type?.enum?.[0] ?? null;
}

function compileParameter(p: Json): ParameterRule {
  const schema = deref(p.schema) ?? {};
  const list = schema.type === 'array';
  const item = list ? (deref(schema.items) ?? {}) : schema;
  return {
    name: p.name,
    values: Array.isArray(item.enum) ? item.enum : null,
    list,
    integer: item.type === 'integer',
    maximum: typeof item.maximum === 'number' ? item.maximum : null,
    required: p.required === true,
  };
}

function compileOperation(path: string, method: string, op: Json): Operation {
  const kind = String(op.operationId).split('_').pop() as OperationKind;
  const segments = path.split('/').filter(Boolean);
  const ownerType = segments[1]!;
  const relationship =
    segments[3] === 'relationships' ? segments[4]! : segments.length >= 4 ? segments[3]! : null;

  const parameters = new Map<string, ParameterRule>();
  for (const p of op.parameters ?? []) {
    if (p.in === 'query') parameters.set(p.name, compileParameter(p));
  }

  const successCode = Object.keys(op.responses).find((c) => /^2\d\d$/.test(c)) ?? '200';
  const body = op.responses[successCode]?.content?.['application/json']?.schema;
  let dataType: string | null = null;
  if (body) {
    const data = deref(body).properties?.data;
    const item = data?.type === 'array' ? data.items : data;
    dataType = typeOfResourceSchema(item);
  }

  return {
    method: method.toUpperCase() as Operation['method'],
    path,
    kind,
    ownerType,
    relationship,
    dataType,
    parameters,
    takesBody: op.requestBody?.content?.['application/json']?.schema !== undefined,
    successStatus: Number(successCode),
  };
}

function compileResources(): Map<string, ResourceShape> {
  const shapes = new Map<string, ResourceShape>();
  for (const schema of Object.values<Json>(document.components.schemas)) {
    const type = schema?.properties?.type?.enum?.[0];
    if (!type || !schema.properties.id || shapes.has(type)) continue;
    if (!schema.properties.attributes && !schema.properties.relationships) continue;

    const attributes = Object.keys(deref(schema.properties.attributes)?.properties ?? {});
    const relationships = new Map<string, RelationshipShape>();
    const rels = deref(schema.properties.relationships)?.properties ?? {};
    for (const [name, rel] of Object.entries<Json>(rels)) {
      const props = deref(rel).properties ?? {};
      const data = props.data;
      const toMany = data ? data.type === 'array' : false;
      const dataItem = data ? (toMany ? data.items : data) : null;
      relationships.set(name, {
        toMany,
        links: Boolean(props.links),
        meta: Boolean(props.meta),
        targetType: dataItem ? (typeOfResourceSchema(dataItem) ?? '') : '',
      });
    }
    shapes.set(type, { type, attributes, relationships });
  }
  return shapes;
}

export const operations: readonly Operation[] = Object.entries<Json>(document.paths).flatMap(
  ([path, item]) =>
    Object.entries<Json>(item)
      .filter(([method]) => method !== 'parameters')
      .map(([method, op]) => compileOperation(path, method, op)),
);

export const resourceShapes: ReadonlyMap<string, ResourceShape> = compileResources();

/** Relationships whose target the contract leaves implicit (links-only) get it from here. */
const linkOnlyTargets: Record<string, string> = {
  'ciBuildRuns.actions': 'ciBuildActions',
  'ciBuildActions.artifacts': 'ciArtifacts',
  'ciBuildActions.issues': 'ciIssues',
  'ciBuildActions.testResults': 'ciTestResults',
  'ciProducts.workflows': 'ciWorkflows',
  'ciProducts.buildRuns': 'ciBuildRuns',
  'ciProducts.additionalRepositories': 'scmRepositories',
  'ciWorkflows.buildRuns': 'ciBuildRuns',
  'scmProviders.repositories': 'scmRepositories',
  'scmRepositories.gitReferences': 'scmGitReferences',
  'scmRepositories.pullRequests': 'scmPullRequests',
};

for (const op of operations) {
  if (!op.relationship || !op.dataType) continue;
  const shape = resourceShapes.get(op.ownerType)?.relationships.get(op.relationship) as
    RelationshipShape | undefined;
  if (shape && !shape.targetType) shape.targetType = op.dataType;
  if (shape && op.kind === 'getToManyRelated') shape.toMany = true;
}
for (const [key, target] of Object.entries(linkOnlyTargets)) {
  const [type, rel] = key.split('.') as [string, string];
  const shape = resourceShapes.get(type)?.relationships.get(rel) as RelationshipShape | undefined;
  if (shape && !shape.targetType) shape.targetType = target;
}

export function resourceShape(type: string): ResourceShape {
  const shape = resourceShapes.get(type);
  if (!shape) throw new Error(`the contract has no resource type '${type}'`);
  return shape;
}

/** The contract document itself (descriptions stripped), for /openapi.json. */
export const contractDocument: Json = document;
