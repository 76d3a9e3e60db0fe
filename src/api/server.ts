/**
 * The HTTP server: every path of the contract routed to its operation, App
 * Store Connect's error document for every failure, bearer-token checks and
 * the hourly budget on /v1, and signed artifact downloads outside /v1.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  AscError,
  entityInvalid,
  headersTooLarge,
  internalError,
  malformedRequest,
  methodNotAllowed,
  parameterIllegal,
  pathError,
  payloadTooLarge,
  rateLimited,
  unsupportedMediaType,
  notFound,
  serviceUnavailable,
} from '../errors.ts';
import { verifyKnownToken, verifyRequestToken, type TokenPrincipal } from '../auth/verify-token.ts';
import type { ScopedRequest } from '../auth/parse-token-scope.ts';
import { checkRole } from '../auth/role-policy.ts';
import type { ApiContext, ApiContextWithTypes } from './api-context.ts';
import { operations, type Operation } from './jsonapi/contract.ts';
import { openApiDocument } from './openapi-document.ts';
import { definitions } from './resources/index.ts';
import { readOperation } from './handlers/read-operation.ts';
import { createBuildRun } from './handlers/create-build-run.ts';
import {
  createWorkflow,
  deleteProduct,
  deleteWorkflow,
  updateWorkflow,
} from './handlers/write-workflow.ts';
import { readRequestBody, type RequestDocument } from './handlers/request-body.ts';
import { RateLimiter } from './rate-limiter.ts';
import { ResponseCache } from './response-cache.ts';
import { isStoreUnavailable } from '../store/store-unavailable.ts';

export interface ServerConfig {
  logger: Logger;
  rateLimitPerHour: number;
  bodyLimitBytes?: number;
  /** Bytes of GET responses kept until the database changes; 0 keeps none. */
  responseCacheBytes?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: TokenPrincipal | null;
  }
}

const packageVersion: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

const ALL_METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'] as const;

export function buildServer(base: ApiContext, config: ServerConfig): FastifyInstance {
  const bodyLimit = config.bodyLimitBytes ?? 1024 * 1024;
  const app = Fastify({
    loggerInstance: config.logger,
    bodyLimit,
    clientErrorHandler: answerClientError,
    // Ids such as Xcode16C5032a:stable keep their colon; long URLs are fine.
    routerOptions: { maxParamLength: 500 },
  });
  const limiter = new RateLimiter(config.rateLimitPerHour);
  const responses = new ResponseCache({ maxBytes: config.responseCacheBytes ?? 0 });
  // Named fields rather than a spread: the base's baseUrl is a getter, and spreading an
  // object with one takes a slow path on every request.
  const ctxFor = (request: FastifyRequest): ApiContextWithTypes => ({
    store: base.store,
    artifacts: base.artifacts,
    engine: base.engine,
    baseUrl: base.baseUrl,
    definitions,
    principal: request.principal,
  });

  app.decorateRequest('principal', null);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
    done(null, body),
  );

  /*
   * Authorization runs on every request, so it is written to allocate little: no closures
   * or accessor literals per request (each costs far more than it looks under load), and
   * a token seen before, with its key in memory, is checked without waiting.
   */
  const keyLookup = { lookup: base.store.keys };
  const admit = (
    request: FastifyRequest,
    reply: FastifyReply,
    principal: TokenPrincipal,
    done: (error?: Error) => void,
  ): void => {
    request.principal = principal;
    const remaining = limiter.take(principal.keyId);
    // Set here, so that every answer to a known key carries it, errors and 429 included.
    reply.header(
      'x-rate-limit',
      `user-hour-lim:${limiter.limit};user-hour-rem:${Math.max(remaining, 0)};`,
    );
    done(remaining < 0 ? rateLimited() : undefined);
  };

  app.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return done();
    if (!acceptsJson(request.headers.accept)) {
      // App Store Connect answers an Accept it cannot satisfy with a plain-text 406.
      reply
        .code(406)
        .header('content-type', 'text/plain')
        .send('Not Acceptable: this API answers only application/json; send that Accept.\n');
      return;
    }
    const { path, search } = splitUrl(request.url);
    const scope = new RequestScope(request.method, path, search);
    const authorization = request.headers.authorization;
    let known: TokenPrincipal | undefined;
    try {
      known = verifyKnownToken(authorization, scope, keyLookup);
    } catch (error) {
      return done(error as Error);
    }
    if (known) return admit(request, reply, known, done);
    verifyRequestToken(authorization, scope, keyLookup).then(
      (principal) => admit(request, reply, principal, done),
      done,
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const asc = toAscError(error, bodyLimit, request.headers['content-type']);
    if (asc.status === 503) request.log.warn({ err: error }, 'database unavailable');
    else if (asc.status >= 500) request.log.error({ err: error }, 'request failed');
    else if (asc.status === 401) request.log.info({ code: asc.code }, 'request not authorized');
    for (const [name, value] of Object.entries(asc.headers)) reply.header(name, value);
    sendJson(reply, asc.status, { errors: asc.toEntries() });
  });

  app.setNotFoundHandler((request, reply) => {
    const { path } = splitUrl(request.url);
    sendJson(reply, 404, { errors: pathError(path).toEntries() });
  });

  for (const [path, ops] of groupByPath(operations)) {
    const url = path.replace(/\{(\w+)\}/g, ':$1');
    for (const op of ops) {
      app.route({
        method: op.method,
        url,
        handler: (request, reply) => handle(op, request, reply),
      });
    }
    const allowed = ops.map((o) => o.method);
    const others = ALL_METHODS.filter((m) => !allowed.includes(m as Operation['method']));
    if (others.length > 0) {
      app.route({
        method: [...others],
        url,
        handler: async (request) => {
          throw methodNotAllowed(request.method, allowed);
        },
      });
    }
  }

  /** Answers synchronously when it can (a kept GET response); otherwise returns a promise. */
  function handle(
    op: Operation,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> | void {
    if (request.principal) checkRole(request.principal.role, op);
    const { path, search } = splitUrl(request.url);
    const id = (request.params as { id?: string }).id;
    // No record has a NUL in its id, and PostgreSQL cannot even compare one.
    if (id?.includes('\u0000')) throw notFound(op.ownerType, id);
    // `/v1/ciBuildRuns/` and `/v1/ciProducts//workflows` name no resource: there is no such path.
    if (id === '') throw pathError(path);
    // The request line before the body: a write takes no query parameters at all.
    if (op.method !== 'GET') refuseQuery(search);
    const body = readRequestBody(op, request);

    if (op.method === 'GET') {
      // Read before the document is built, so that a kept body is never older than its mark.
      const mark = responses.enabled ? base.store.changeMark() : null;
      const key = `${base.baseUrl} ${request.url}`;
      const kept = mark === null ? undefined : responses.get(key, mark);
      if (kept) {
        sendBody(reply, 200, kept);
        return;
      }
      const ctx = ctxFor(request);
      return readOperation(ctx, op, id, path, search).then((doc) => {
        const bytes = Buffer.from(JSON.stringify(doc));
        if (mark !== null && !ctx.readBeyondStore) responses.set(key, mark, bytes);
        sendBody(reply, 200, bytes);
      });
    }
    return write(op, request, reply, id, body);
  }

  async function write(
    op: Operation,
    request: FastifyRequest,
    reply: FastifyReply,
    id: string | undefined,
    body: RequestDocument | null,
  ): Promise<void> {
    const ctx = ctxFor(request);
    const route = `${op.method} ${op.path}`;
    if (route === 'POST /v1/ciBuildRuns' || route === 'POST /v1/ciWorkflows') {
      const create = route === 'POST /v1/ciBuildRuns' ? createBuildRun : createWorkflow;
      const { document, location } = await create(ctx, body!);
      reply.header('location', location);
      sendJson(reply, 201, document);
      return;
    }
    if (route === 'PATCH /v1/ciWorkflows/{id}') {
      sendJson(reply, 200, await updateWorkflow(ctx, id!, body!));
      return;
    }
    if (route === 'DELETE /v1/ciWorkflows/{id}' || route === 'DELETE /v1/ciProducts/{id}') {
      await (op.ownerType === 'ciWorkflows' ? deleteWorkflow : deleteProduct)(ctx, id!);
      reply.code(204).send();
      return;
    }
    throw new Error(`no handler for ${route}`);
  }

  app.get('/healthz', async (_request, reply) => sendJson(reply, 200, { status: 'ok' }));
  // Built on first request: the public URL is known only once the server listens.
  let openApi: { url: string; doc: unknown } | null = null;
  app.get('/openapi.json', async (_request, reply) => {
    if (openApi?.url !== base.baseUrl) {
      openApi = { url: base.baseUrl, doc: openApiDocument(base.baseUrl, packageVersion) };
    }
    sendJson(reply, 200, openApi.doc);
  });

  app.get('/artifacts/:id/:name', async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = request.query as { e?: string; s?: string };
    if (!base.artifacts.verify(id, String(query.e ?? ''), String(query.s ?? ''))) {
      throw new AscError(
        403,
        'FORBIDDEN_ERROR',
        'The download link is not valid',
        'The link has expired or was altered. Read the artifact again for a fresh downloadUrl.',
      );
    }
    const [artifact] = await base.store.records.artifacts([id]);
    if (!artifact) throw notFound('ciArtifacts', id);
    reply
      .header(
        'content-type',
        artifact.file_name.endsWith('.zip') ? 'application/zip' : 'application/octet-stream',
      )
      .header('content-length', String(artifact.file_size))
      .header(
        'content-disposition',
        `attachment; filename="${artifact.file_name.replace(/"/g, '')}"`,
      );
    return reply.send(base.artifacts.open(artifact.storage_key));
  });

  return app as unknown as FastifyInstance;
}

/**
 * Requests Node rejects before routing (a request line and headers over Node's
 * `maxHeaderSize`, bytes that are not HTTP) still get the error document, written
 * straight to the socket since no reply object exists yet.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.destroy(error);
    return;
  }
  const asc =
    error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge(http.maxHeaderSize) : malformedRequest();
  const body = JSON.stringify({ errors: asc.toEntries() });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${asc.status} ${http.STATUS_CODES[asc.status]}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** What a token's scope is matched against; the query is parsed only when asked for. */
class RequestScope implements ScopedRequest {
  readonly method: string;
  readonly path: string;
  readonly #search: string;

  constructor(method: string, path: string, search: string) {
    this.method = method;
    this.path = path;
    this.#search = search;
  }

  get query(): URLSearchParams {
    return new URLSearchParams(this.#search);
  }
}

function refuseQuery(search: string): void {
  const first = new URLSearchParams(search).keys().next();
  if (!first.done) throw parameterIllegal(first.value);
}

function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  sendBody(reply, status, Buffer.from(JSON.stringify(body)));
}

function sendBody(reply: FastifyReply, status: number, body: Buffer): void {
  // Exactly application/json, with no charset parameter, as App Store Connect sends it.
  // A Buffer is sent as it is; a string would get '; charset=utf-8' appended by Fastify.
  reply.code(status).header('content-type', 'application/json').send(body);
}

function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

function groupByPath(ops: readonly Operation[]): Map<string, Operation[]> {
  const out = new Map<string, Operation[]>();
  for (const op of ops) {
    const list = out.get(op.path) ?? [];
    list.push(op);
    out.set(op.path, list);
  }
  return out;
}

/** Fastify's own failures, before a handler runs, in App Store Connect's terms. */
function toAscError(error: unknown, bodyLimit: number, contentType: string | undefined): AscError {
  if (error instanceof AscError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return payloadTooLarge(bodyLimit);
  }
  // A body with no Content-Type at all is refused by Fastify before any parser runs.
  if (e.statusCode === 415) return unsupportedMediaType(contentType || '(none)');
  if (e.code?.startsWith('FST_ERR_CTP_'))
    return entityInvalid(e.message ?? 'The body is not valid.');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return malformedRequest();
  if (isStoreUnavailable(error)) return serviceUnavailable(5);
  return internalError();
}

/** Whether an Accept header admits application/json (no header admits everything). */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const refused = params.some((p) => /^q=0(\.0{0,3})?$/.test(p));
    return !refused && ['*/*', 'application/*', 'application/json'].includes(type);
  });
}
