/**
 * Every operation of the contract, read straight from the document (not from
 * Stratus's own reading of it), with the query parameters each one declares.
 */
import { contract, deref } from './contract-validator.ts';

type Json = any;

export interface QueryParameter {
  name: string;
  /** Allowed values of an enum parameter, or of each item of a list parameter. */
  values: string[] | null;
  list: boolean;
  integer: boolean;
  maximum: number | null;
  required: boolean;
}

export interface ContractOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Type named by the first segment: /v1/<type>/... */
  ownerType: string;
  /** Relationship name for /v1/<type>/{id}/<rel> and /relationships/<rel>. */
  relationship: string | null;
  linkage: boolean;
  hasId: boolean;
  parameters: QueryParameter[];
  successStatus: number;
  successSchema: string | null;
  requestSchema: string | null;
}

function parameter(p: Json): QueryParameter {
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

function refName(schema: Json): string | null {
  return schema?.$ref ? String(schema.$ref).replace('#/components/schemas/', '') : null;
}

export const contractOperations: ContractOperation[] = Object.entries<Json>(contract.paths).flatMap(
  ([path, item]) =>
    Object.entries<Json>(item)
      .filter(([method]) => method !== 'parameters')
      .map(([method, op]): ContractOperation => {
        const segments = path.split('/').filter(Boolean);
        const linkage = segments[3] === 'relationships';
        const success = Object.keys(op.responses).find((c) => /^2\d\d$/.test(c))!;
        return {
          method: method.toUpperCase() as ContractOperation['method'],
          path,
          ownerType: segments[1]!,
          relationship: linkage ? segments[4]! : (segments[3] ?? null),
          linkage,
          hasId: path.includes('{id}'),
          parameters: (op.parameters ?? []).filter((p: Json) => p.in === 'query').map(parameter),
          successStatus: Number(success),
          successSchema: refName(op.responses[success]?.content?.['application/json']?.schema),
          requestSchema: refName(op.requestBody?.content?.['application/json']?.schema),
        };
      }),
);

export const contractPaths: string[] = Object.keys(contract.paths);

/** The operation whose path template matches a concrete path, e.g. from a links.related. */
export function operationFor(method: string, concretePath: string): ContractOperation | null {
  return (
    contractOperations.find(
      (op) =>
        op.method === method &&
        new RegExp(`^${op.path.replace('{id}', '[^/]+')}$`).test(concretePath),
    ) ?? null
  );
}

export function fillPath(op: ContractOperation, id: string): string {
  return op.path.replace('{id}', encodeURIComponent(id).replace(/%3A/gi, ':'));
}
