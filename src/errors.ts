/**
 * Every error the API can answer with, in one place.
 *
 * An `AscError` carries what App Store Connect puts in one entry of an
 * ErrorResponse: the HTTP status (sent as a string), a hierarchical code that
 * clients prefix-match, a title and a detail. Codes and statuses are Apple's;
 * titles and details are ours. Routes throw; one error handler writes the
 * document. A code, once shipped, is never renamed or reused.
 */
import { randomUUID } from 'node:crypto';

export type ErrorSource = { pointer: string } | { parameter: string };

export interface ErrorEntry {
  id: string;
  status: string;
  code: string;
  title: string;
  detail?: string;
  source?: ErrorSource;
}

export class AscError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly source: ErrorSource | undefined;
  /** Further problems found in the same request, answered together. */
  readonly others: AscError[] = [];
  /** Headers the response must carry, e.g. Allow on a 405. */
  readonly headers: Record<string, string> = {};

  constructor(status: number, code: string, title: string, detail?: string, source?: ErrorSource) {
    super(detail ? `${title} ${detail}` : title);
    this.name = 'AscError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.source = source;
  }

  toEntries(): ErrorEntry[] {
    return [this, ...this.others].map((e) => {
      const entry: ErrorEntry = {
        id: randomUUID(),
        status: String(e.status),
        code: e.code,
        title: e.title,
      };
      if (e.detail !== undefined) entry.detail = e.detail;
      if (e.source !== undefined) entry.source = e.source;
      return entry;
    });
  }
}

/** The 401 body is the same for every token problem: which check failed is never revealed. */
export function notAuthorized(): AscError {
  return new AscError(
    401,
    'NOT_AUTHORIZED',
    'The bearer token is missing or not valid.',
    'Send an ES256 JWT signed with an API key that this server issued: kid set to the key id, ' +
      "iss to the issuer id, aud to 'appstoreconnect-v1', and an exp no more than 20 minutes " +
      'after iat (longer only for GET-only scoped tokens).',
  );
}

export function forbidden(detail: string): AscError {
  return new AscError(
    403,
    'FORBIDDEN_ERROR',
    'This request is forbidden for security reasons',
    detail,
  );
}

export function parameterIllegal(parameter: string, detail?: string): AscError {
  return new AscError(
    400,
    'PARAMETER_ERROR.ILLEGAL',
    'A given parameter is not allowed for this request',
    detail ?? `The parameter '${parameter}' can not be used with this request`,
    { parameter },
  );
}

export function parameterInvalid(parameter: string, detail: string): AscError {
  return new AscError(400, 'PARAMETER_ERROR.INVALID', 'A parameter has an invalid value', detail, {
    parameter,
  });
}

export function parameterRequired(parameter: string, detail: string): AscError {
  return new AscError(400, 'PARAMETER_ERROR.REQUIRED', 'A required parameter is missing', detail, {
    parameter,
  });
}

export function notFound(type: string, id: string): AscError {
  return new AscError(
    404,
    'NOT_FOUND',
    'The specified resource does not exist',
    `There is no resource of type '${type}' with id '${id}'`,
  );
}

export function pathError(path: string): AscError {
  return new AscError(
    404,
    'PATH_ERROR',
    'The URL path is not valid',
    `The path '${path}' does not name any resource of this API. Check the resource type and id.`,
  );
}

export function methodNotAllowed(method: string, allowed: string[]): AscError {
  const error = new AscError(
    405,
    'METHOD_NOT_ALLOWED',
    'The request method is not supported for this resource',
    `The method ${method} is not allowed here; allowed: ${allowed.join(', ')}.`,
  );
  error.headers.allow = allowed.join(', ');
  return error;
}

export function entityInvalid(detail: string): AscError {
  return new AscError(400, 'ENTITY_INVALID', 'The request entity is not valid', detail);
}

export function entityUnprocessable(detail: string, pointer?: string): AscError {
  return new AscError(
    422,
    'ENTITY_UNPROCESSABLE',
    'The request entity could not be processed',
    detail,
    pointer === undefined ? undefined : { pointer },
  );
}

export function relationshipInvalid(pointer: string, detail: string): AscError {
  return new AscError(
    409,
    'ENTITY_ERROR.RELATIONSHIP.INVALID',
    'The provided entity includes a relationship with an invalid value',
    detail,
    { pointer },
  );
}

export function attributeRequired(pointer: string, detail: string): AscError {
  return new AscError(
    409,
    'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
    'The provided entity is missing a required attribute',
    detail,
    { pointer },
  );
}

export function relationshipRequired(pointer: string, detail: string): AscError {
  return new AscError(
    409,
    'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
    'The provided entity is missing a required relationship',
    detail,
    { pointer },
  );
}

/** A PATCH whose body names another resource than its URL (JSON:API answers 409 Conflict). */
export function idMismatch(detail: string): AscError {
  return new AscError(
    409,
    'ENTITY_ERROR.ID.INVALID',
    'The provided entity id does not match the resource',
    detail,
    { pointer: '/data/id' },
  );
}

export function attributeInvalid(pointer: string, detail: string): AscError {
  return new AscError(
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
    'The provided entity includes an attribute with an invalid value',
    detail,
    { pointer },
  );
}

export function stateError(detail: string, pointer?: string): AscError {
  return new AscError(
    409,
    'STATE_ERROR',
    'The request cannot be fulfilled in the current state',
    detail,
    pointer === undefined ? undefined : { pointer },
  );
}

export function payloadTooLarge(limit: number): AscError {
  return new AscError(
    413,
    'ENTITY_TOO_LARGE',
    'The request entity is too large',
    `Request bodies are limited to ${limit} bytes.`,
  );
}

export function headersTooLarge(limit: number): AscError {
  return new AscError(
    431,
    'REQUEST_HEADERS_TOO_LARGE',
    'The request line and headers are too large',
    `The URL and headers together are limited to ${limit} bytes. Ask for fewer fields or ` +
      'includes, or page through the list instead.',
  );
}

export function malformedRequest(): AscError {
  return new AscError(
    400,
    'BAD_REQUEST',
    'The request is not valid HTTP',
    'The request could not be read as HTTP/1.1. Check the request line and headers.',
  );
}

export function unsupportedMediaType(got: string): AscError {
  return new AscError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'The request content type is not supported',
    `Send the body as 'application/json'; got '${got}'.`,
  );
}

export function rateLimited(): AscError {
  return new AscError(
    429,
    'RATE_LIMIT_EXCEEDED',
    'The hourly request budget is used up',
    'This API key has used its hourly request budget. Wait and retry, or slow the request rate.',
  );
}

export function internalError(): AscError {
  return new AscError(
    500,
    'UNEXPECTED_ERROR',
    'An unexpected error occurred',
    'The server failed while handling this request. It has been logged; retry later.',
  );
}

/** A runner protocol request without a valid runner token (never the database URL). */
export function runnerNotAuthorized(): AscError {
  return new AscError(
    401,
    'NOT_AUTHORIZED',
    'The runner token is missing or not valid.',
    'Send Authorization: Bearer <token> with a runner token made by ' +
      '`stratus runners create-token` on the server, and not revoked since.',
  );
}

/** A runner reported on a run it does not hold (its lease lapsed or another runner has it). */
export function leaseNotHeld(runId: string): AscError {
  return stateError(
    `This runner does not hold run '${runId}': its lease lapsed or the run has ended. ` +
      'Stop working on it and claim another.',
  );
}

/**
 * The store cannot be reached for now (PostgreSQL restarting, a lock held too
 * long). Apple documents no 503, but its 500 reads as "the server is broken";
 * 503 with Retry-After says the request had no effect (its transaction was
 * rolled back) and may be sent again, which HTTP clients and load balancers
 * understand. The body keeps Apple's ErrorResponse shape.
 */
export function serviceUnavailable(retryAfterSeconds: number): AscError {
  const error = new AscError(
    503,
    'SERVICE_UNAVAILABLE',
    'The service is unavailable for a moment',
    'The server cannot reach its database right now and did nothing with this request. ' +
      `Retry in ${retryAfterSeconds} seconds.`,
  );
  error.headers['Retry-After'] = String(retryAfterSeconds);
  return error;
}
