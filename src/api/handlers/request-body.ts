/**
 * Reading a JSON:API request body: JSON syntax (400 ENTITY_INVALID), then the
 * document's structure (422 ENTITY_UNPROCESSABLE), each error pointing at the
 * member at fault with an RFC 6901 pointer.
 */
import { entityInvalid, entityUnprocessable, unsupportedMediaType } from '../../errors.ts';

type Json = Record<string, unknown>;

export function parseJsonBody(contentType: string | undefined, raw: unknown): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw unsupportedMediaType(contentType ?? '(none)');
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  if (text.trim() === '')
    throw entityInvalid('The request body is empty; send a JSON document with a data object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw entityInvalid(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(value: unknown, pointer: string, what: string): Json {
  if (!isObject(value)) throw entityUnprocessable(`${what} must be a JSON object.`, pointer);
  return value;
}

export function refuseUnknownKeys(object: Json, allowed: readonly string[], pointer: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw entityUnprocessable(
        `'${key}' is not a member this request accepts here; allowed: ${allowed.join(', ')}.`,
        `${pointer}/${key}`,
      );
    }
  }
}

/** A relationship member `{ "data": { "type": T, "id": "…" } }`; returns the id. */
export function relationshipId(relationships: Json, name: string, type: string): string | null {
  const pointer = `/data/relationships/${name}`;
  if (!(name in relationships)) return null;
  const rel = expectObject(relationships[name], pointer, `The relationship '${name}'`);
  refuseUnknownKeys(rel, ['data'], pointer);
  const data = expectObject(rel.data, `${pointer}/data`, `The '${name}' relationship's data`);
  refuseUnknownKeys(data, ['type', 'id'], `${pointer}/data`);
  if (data.type !== type) {
    throw entityUnprocessable(
      `The '${name}' relationship must name a resource of type '${type}'.`,
      `${pointer}/data/type`,
    );
  }
  if (typeof data.id !== 'string' || data.id === '') {
    throw entityUnprocessable(
      `The '${name}' relationship needs a string id.`,
      `${pointer}/data/id`,
    );
  }
  return data.id;
}
