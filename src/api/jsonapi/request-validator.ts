/**
 * Checks request bodies against the contract's request schemas (compiled
 * once, at start-up, with ajv) and turns what fails into App Store Connect's
 * error entries, each pointing at the member at fault:
 *
 *   - JSON of the wrong shape — a missing or extra member of the document,
 *     `data` or a relationship, a wrong `type`, a value of the wrong JSON
 *     type, an unknown attribute or relationship name: 422
 *     ENTITY_UNPROCESSABLE (Apple: 422 for a JSON body of the wrong structure).
 *   - a required attribute missing: 409 ENTITY_ERROR.ATTRIBUTE.REQUIRED;
 *     a required relationship missing: 409 ENTITY_ERROR.RELATIONSHIP.REQUIRED.
 *   - a value outside its enum or range: 409 ENTITY_ERROR.ATTRIBUTE.INVALID.
 *
 * Shape problems are answered before content problems, as one document of
 * one status holding every problem of that kind.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import {
  AscError,
  attributeInvalid,
  attributeRequired,
  entityUnprocessable,
  relationshipRequired,
} from '../../errors.ts';
import { contractDocument } from './contract.ts';

type Json = any;

function resolve(ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Json, key) => node[key], contractDocument);
}

/**
 * OpenAPI 3.0 to plain JSON Schema, with every reference inlined (the request
 * schemas are not recursive). Objects refuse members they do not declare.
 * Below an attribute, every member may also be null: responses show unset
 * members as null, and a client sends back what it read.
 */
function toJsonSchema(node: Json, insideAttribute: boolean, attributesObject = false): Json {
  if (node.$ref) {
    const target = toJsonSchema(resolve(node.$ref), insideAttribute, attributesObject);
    return node.nullable ? nullable(target) : target;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries<Json>(node)) {
    if (key === 'title' || key === 'format' || key === 'description') continue;
    if (key === 'properties') {
      out.properties = {};
      for (const [name, member] of Object.entries<Json>(value)) {
        out.properties[name] = attributesObject
          ? toJsonSchema(member, true)
          : insideAttribute
            ? nullable(toJsonSchema(member, true))
            : toJsonSchema(member, false, name === 'attributes');
      }
    } else if (key === 'items') {
      out.items = toJsonSchema(value, insideAttribute);
    } else {
      out[key] = value;
    }
  }
  if (out.type === 'object' && out.properties) out.additionalProperties = false;
  return out.nullable ? nullable(out) : out;
}

function nullable(schema: Json): Json {
  const out = { ...schema };
  delete out.nullable;
  if (out.type && !Array.isArray(out.type)) out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/** Validators per operation ("POST /v1/ciWorkflows"), for every operation that takes a body. */
const validators = new Map<string, ValidateFunction>();
for (const [path, item] of Object.entries<Json>(contractDocument.paths)) {
  for (const [method, op] of Object.entries<Json>(item)) {
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    if (!schema) continue;
    validators.set(`${method.toUpperCase()} ${path}`, ajv.compile(toJsonSchema(schema, false)));
  }
}

/** Throws the error document for everything wrong with `body`, or returns it checked. */
export function validateRequestBody(method: string, path: string, body: unknown): void {
  const validate = validators.get(`${method} ${path}`);
  if (!validate) throw new Error(`the contract declares no request body for ${method} ${path}`);
  if (validate(body)) {
    refuseIllFormedText(body, '');
    return;
  }

  const problems = (validate.errors ?? []).map(toAscError);
  const shape = problems.filter((p) => p.status === 422);
  const chosen = dedupe(shape.length > 0 ? shape : problems);
  const [first, ...rest] = chosen;
  first!.others.push(...rest);
  throw first!;
}

/*
 * JSON.parse turns an escaped lone surrogate ("\ud800") into a string that is
 * not Unicode text; stored, it would read back as U+FFFD. Refuse it instead.
 */
function refuseIllFormedText(value: unknown, at: string): void {
  if (typeof value === 'string') {
    // String.prototype.isWellFormed is in Node 20 but not in the ES2022 library types.
    if ((value as string & { isWellFormed(): boolean }).isWellFormed()) return;
    const detail =
      'The text holds a lone UTF-16 surrogate, which is not a character; fix its escapes.';
    if (at.startsWith('/data/attributes/')) throw attributeInvalid(at, detail);
    throw entityUnprocessable(detail, at);
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, member] of Object.entries(value)) {
    refuseIllFormedText(member, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

const keywordOrder = ['additionalProperties', 'type', 'enum', 'required'];

function dedupe(errors: AscError[]): AscError[] {
  const seen = new Set<string>();
  const sorted = [...errors].sort(
    (a, b) => rank(a) - rank(b) || pointerOf(a).length - pointerOf(b).length,
  );
  return sorted.filter((e) => {
    const key = `${e.code} ${pointerOf(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const keywords = new WeakMap<AscError, string>();

function rank(error: AscError): number {
  const i = keywordOrder.indexOf(keywords.get(error) ?? '');
  return i === -1 ? keywordOrder.length : i;
}

function pointerOf(error: AscError): string {
  return error.source && 'pointer' in error.source ? error.source.pointer : '';
}

function toAscError(e: ErrorObject): AscError {
  const error = mapError(e);
  keywords.set(error, e.keyword);
  return error;
}

function mapError(e: ErrorObject): AscError {
  const at = e.instancePath;
  const params = e.params as Record<string, any>;
  const inAttributes = at === '/data/attributes' || at.startsWith('/data/attributes/');

  switch (e.keyword) {
    case 'additionalProperties': {
      const name = params.additionalProperty as string;
      const what =
        at === '/data/attributes'
          ? `'${name}' is not an attribute this request accepts`
          : at === '/data/relationships'
            ? `'${name}' is not a relationship this request accepts`
            : `'${name}' is not a member this request accepts here`;
      return entityUnprocessable(`${what}; remove it or check its spelling.`, `${at}/${name}`);
    }
    case 'required': {
      const name = params.missingProperty as string;
      const pointer = `${at}/${name}`;
      if (inAttributes) {
        return attributeRequired(
          pointer,
          `Give a value for the attribute '${name}' with this request.`,
        );
      }
      if (at === '/data/relationships') {
        return relationshipRequired(
          pointer,
          `Give the relationship '${name}' as {"data": {"type": …, "id": …}} with this request.`,
        );
      }
      return entityUnprocessable(`The member '${name}' is required here.`, pointer);
    }
    case 'type': {
      const expected = [params.type].flat().filter((t) => t !== 'null');
      const nullable = [params.type].flat().includes('null');
      const article = expected.join(' or ');
      return entityUnprocessable(
        `This member must be ${/^[aeiou]/.test(article) ? 'an' : 'a'} ${article}` +
          `${nullable ? ' or null' : ''}.`,
        at,
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((v) => v !== null);
      const detail = `Use one of: ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`;
      // A resource type names the wrong kind of thing: the document's shape is wrong.
      if (!inAttributes) return entityUnprocessable(`The type is not valid here. ${detail}`, at);
      return attributeInvalid(at, `The value is not valid here. ${detail}`);
    }
    default:
      if (inAttributes) return attributeInvalid(at, `The value ${e.message ?? 'is not valid'}.`);
      return entityUnprocessable(`This member ${e.message ?? 'is not valid'}.`, at);
  }
}
