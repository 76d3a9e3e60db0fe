/**
 * The server's side of the runner protocol (see messages.ts): the routes a
 * runner without database credentials uses to claim runs, hold their lease
 * and report what happens. They live outside /v1 and take a runner token,
 * never an API key; each turns into the same store calls a runner on the
 * store would make.
 */
import { createWriteStream } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Store } from '../store/store.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { IssueCounts } from '../model/records.ts';
import { entityInvalid, leaseNotHeld, notFound, runnerNotAuthorized } from '../errors.ts';
import { claimFromStore, reportOffer } from '../engine/runner/store-run-backend.ts';
import { endErrored } from '../engine/runner/end-errored.ts';
import { finishAction } from '../engine/runner/finish-action.ts';
import {
  CompletionBody,
  EventsBody,
  MESSAGE_LIMIT_BYTES,
  RunnerReportBody,
  type RunEvent,
} from './messages.ts';

export interface RunnerRoutesConfig {
  store: Store;
  artifacts: ArtifactStore;
  /** The server's data folder: live logs of remote runs, upload staging. */
  dataDir: string;
  leaseMs: number;
}

export const RUNNER_HEADER = 'x-stratus-runner';

declare module 'fastify' {
  interface FastifyRequest {
    /** The lease owner a runner request acts as: its token and its runner id. */
    runnerOwner: string | null;
  }
}

export async function runnerRoutes(app: FastifyInstance, config: RunnerRoutesConfig) {
  const { store } = config;
  app.decorateRequest('runnerOwner', null);

  // JSON messages have a larger limit than the API's; artifact bytes stream to disk.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: MESSAGE_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
    done(null, payload),
  );

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer (\S+)$/.exec(header)?.[1];
    const runner = request.headers[RUNNER_HEADER];
    if (!token || typeof runner !== 'string' || !/^[\w.:-]{1,200}$/.test(runner)) {
      throw runnerNotAuthorized();
    }
    const row = await store.runnerTokens.find(token);
    if (!row) throw runnerNotAuthorized();
    request.runnerOwner = `http:${row.id}:${runner}`;
  });

  app.post('/runner/v1/hello', async (_request, reply) =>
    send(reply, 200, { leaseSeconds: config.leaseMs / 1000 }),
  );

  app.post('/runner/v1/report', async (request, reply) => {
    const offer = parse(RunnerReportBody, request.body);
    await report(store, offer);
    return send(reply, 200, { leaseSeconds: config.leaseMs / 1000 });
  });

  app.post('/runner/v1/claim', async (request, reply) => {
    const offer = parse(RunnerReportBody, request.body);
    await store.runners.seen(offer.id);
    const claimed = await claimFromStore(store, request.runnerOwner!, config.leaseMs, offer);
    if (!claimed) return reply.code(204).send();
    return send(reply, 200, claimed);
  });

  app.post('/runner/v1/runs/:runId/heartbeat', async (request, reply) => {
    const { runId } = request.params as { runId: string };
    const held = await store.runs.renew(runId, request.runnerOwner!, config.leaseMs);
    return send(reply, 200, { held });
  });

  app.post('/runner/v1/runs/:runId/events', async (request, reply) => {
    const { runId } = request.params as { runId: string };
    const { events } = parse(EventsBody, request.body);
    const actions = await heldRunActions(store, runId, request.runnerOwner!);
    const actionCounts: Record<string, IssueCounts> = {};
    for (const event of events) {
      await apply(config, runId, actions, event, request.runnerOwner!, actionCounts);
    }
    return send(reply, 200, { actionCounts });
  });

  app.put('/runner/v1/runs/:runId/actions/:actionId/artifacts', async (request, reply) => {
    const { runId, actionId } = request.params as { runId: string; actionId: string };
    const query = request.query as Record<string, string | undefined>;
    const { fileType, fileName, key } = query;
    if (!fileType || !fileName || !key || !key.startsWith(`${runId}/`) || key.includes('..')) {
      throw entityInvalid(
        'An artifact upload needs fileType, fileName and key (under the run) in the query.',
      );
    }
    const actions = await heldRunActions(store, runId, request.runnerOwner!);
    if (!actions.has(actionId)) throw notFound('ciBuildActions', actionId);
    if (!(request.body as Readable | undefined)?.pipe) {
      throw entityInvalid('Send the artifact as application/octet-stream.');
    }

    const staging = join(config.dataDir, 'uploads', randomUUID());
    await mkdir(join(config.dataDir, 'uploads'), { recursive: true });
    try {
      await pipeline(request.body as Readable, createWriteStream(staging));
      const stored = await config.artifacts.put(key, staging);
      await store.records.addArtifact(actionId, {
        fileType,
        fileName,
        fileSize: stored.size,
        storageKey: stored.storageKey,
      });
    } finally {
      await rm(staging, { force: true });
    }
    return reply.code(204).send();
  });

  app.post('/runner/v1/runs/:runId/complete', async (request, reply) => {
    const { runId } = request.params as { runId: string };
    const body = parse(CompletionBody, request.body);
    await heldRunActions(store, runId, request.runnerOwner!);
    if ('reason' in body) await endErrored(store, runId, body.reason);
    else await store.runs.markRunFinished(runId, body.status, body.counts);
    return reply.code(204).send();
  });
}

async function report(store: Store, offer: RunnerReportBody) {
  await reportOffer(store, { ...offer, mode: 'http' });
}

/** The run's actions by id, after checking the caller holds the run's lease. */
async function heldRunActions(
  store: Store,
  runId: string,
  owner: string,
): Promise<Map<string, number>> {
  const run = await store.runs.run(runId);
  if (!run || run.lease_owner !== owner || run.execution_progress === 'COMPLETE') {
    throw leaseNotHeld(runId);
  }
  const actions = await store.runs.actionsOfRun(runId);
  return new Map(actions.map((a) => [a.id, a.position]));
}

async function apply(
  config: RunnerRoutesConfig,
  runId: string,
  actions: Map<string, number>,
  event: RunEvent,
  owner: string,
  actionCounts: Record<string, IssueCounts>,
): Promise<void> {
  const { store } = config;
  const action = (id: string) => {
    if (!actions.has(id)) throw notFound('ciBuildActions', id);
    return id;
  };
  switch (event.type) {
    case 'runStarted':
      return store.runs.markRunStarted(runId, owner);
    case 'actionStarted':
      return store.runs.markActionStarted(action(event.actionId));
    case 'records':
      await store.records.addIssues(action(event.actionId), event.issues);
      await store.records.addTestResults(event.actionId, event.testResults);
      return;
    case 'log': {
      // The runner keeps the full log and uploads it as the LOG_BUNDLE; this copy is for
      // watching a run while it goes.
      const dir = join(config.dataDir, 'logs', runId, String(event.position));
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, 'action.log'), event.text);
      return;
    }
    case 'runCounts':
      return store.runs.setRunCounts(runId, event.counts);
    case 'actionFinished': {
      const id = action(event.actionId);
      actionCounts[id] = await finishAction(store, runId, id, event.status);
      return;
    }
  }
}

function parse<T extends TSchema>(schema: T, body: unknown): any {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? ''));
  } catch {
    throw entityInvalid('The body must be JSON.');
  }
  if (Value.Check(schema, value)) return value;
  const [first] = Value.Errors(schema, value);
  throw entityInvalid(
    `The body does not match the runner protocol at '${first?.instancePath || '/'}': ` +
      `${first?.message ?? 'not valid'}.`,
  );
}

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(Buffer.from(JSON.stringify(body)));
}
