/**
 * Reading a request body: the content type (415), JSON syntax (400
 * ENTITY_INVALID), then the contract's request schema for the operation
 * (request-validator.ts). Operations without a body refuse one.
 */
import type { FastifyRequest } from 'fastify';
import { entityInvalid, unsupportedMediaType } from '../../errors.ts';
import type { Operation } from '../jsonapi/contract.ts';
import { validateRequestBody } from '../jsonapi/request-validator.ts';

/** A relationship member as the validator lets it through. */
export interface RelationshipMember {
  data: { type: string; id: string };
}

/** A request document that passed its schema. */
export interface RequestDocument {
  data: {
    type: string;
    id?: string;
    attributes?: Record<string, unknown>;
    relationships?: Record<string, RelationshipMember | undefined>;
  };
}

/** The checked document for operations that take a body; null for the others. */
export function readRequestBody(op: Operation, request: FastifyRequest): RequestDocument | null {
  if (!op.takesBody) {
    if (hasBody(request)) {
      throw entityInvalid(`${op.method} ${op.path} takes no request body; send it without one.`);
    }
    return null;
  }
  const body = parseJsonBody(request.headers['content-type'], request.body);
  validateRequestBody(op.method, op.path, body);
  return body as RequestDocument;
}

function hasBody(request: FastifyRequest): boolean {
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 || request.headers['transfer-encoding'] !== undefined;
}

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

/** The id a relationship member names, or null when the member is absent or null. */
export function relationshipId(document: RequestDocument, name: string): string | null {
  return document.data.relationships?.[name]?.data?.id ?? null;
}
