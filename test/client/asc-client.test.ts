import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import {
  ApiError,
  AscClient,
  NetworkError,
  TimeoutError,
  type RetryEvent,
} from '../../src/client/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { pem } from './key.ts';

/** A TCP port with nothing listening: a server is bound, its port noted, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('the client against a real Stratus', () => {
  let h: Harness;
  let client: AscClient;
  const requested: string[] = [];

  before(async () => {
    h = await startHarness({ runners: 0 });
    client = new AscClient({
      baseUrl: h.stratus.url,
      credentials: { ...h.key },
      // The real fetch, with each URL noted to see what paging asks for.
      fetch: (input, init) => {
        requested.push(String(input));
        return fetch(input, init);
      },
    });
  });
  after(() => h.close());

  test('lists page lazily through links.next, one request per page read', async () => {
    const [product] = await client.listProducts().all();
    const [workflow] = await client.listWorkflows(product!.id).all();
    const { data: repository } = await client.getWorkflowRepository(workflow!.id);

    requested.length = 0;
    const refs = client.listGitReferences(repository.id, { limit: 1 });
    assert.equal(requested.length, 0, 'nothing is fetched before iterating');
    const names: string[] = [];
    for await (const ref of refs) {
      names.push(ref.attributes!.name!);
      if (names.length === 1) assert.equal(requested.length, 1);
    }
    assert.deepEqual(names.sort(), ['main', 'v1.0']);
    assert.equal(requested.length, 2);
    assert.match(requested[0]!, /gitReferences\?limit=1$/);
    assert.match(requested[1]!, /cursor=/);
  });

  test('query options become JSON:API parameters the server honours', async () => {
    const [product] = await client.listProducts().all();
    const doc = await client.getProduct(product!.id, { fields: { ciProducts: ['name'] } });
    assert.deepEqual(Object.keys(doc.data.attributes!), ['name']);
    const workflows = await client
      .listWorkflows(product!.id, { include: ['product'], limit: 5 })
      .pages()
      .next();
    assert.equal(workflows.value!.included?.[0]?.type, 'ciProducts');
  });

  test("an error document becomes an ApiError with the server's status, code, text", async () => {
    const id = 'Xcode12E507:stable';
    await assert.rejects(client.getBuildRun(id), (e: ApiError) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 'ASC_API_ERROR');
      assert.equal(e.status, 404);
      assert.equal(e.apiCode, 'NOT_FOUND');
      assert.equal(e.title, e.errors[0]!.title);
      // The ':' stays as typed and the id arrives whole.
      assert.match(e.detail!, /Xcode12E507:stable/);
      assert.match(e.url, /\/v1\/ciBuildRuns\/Xcode12E507:stable$/);
      return true;
    });
  });

  test('ids are path-encoded: a slash or question mark cannot change the route', async () => {
    await assert.rejects(client.getBuildRun('a/b?limit=1'), (e: ApiError) => {
      assert.equal(e.status, 404);
      assert.equal(e.apiCode, 'NOT_FOUND');
      assert.match(e.url, /ciBuildRuns\/a%2Fb%3Flimit%3D1$/);
      return true;
    });
  });

  test('a bad parameter comes back with source.parameter', async () => {
    await assert.rejects(client.listProducts({ limit: 500 }).all(), (e: ApiError) => {
      assert.equal(e.status, 400);
      assert.equal(e.apiCode, 'PARAMETER_ERROR.INVALID');
      assert.deepEqual(e.source, { parameter: 'limit' });
      return true;
    });
  });
});

describe('retries, bounded', () => {
  test('429 is retried with backoff, then given up as an ApiError with the budget', async () => {
    const h = await startHarness({ runners: 0, flags: { 'rate-limit': '1' } });
    try {
      const events: RetryEvent[] = [];
      let sent = 0;
      const client = new AscClient({
        baseUrl: h.stratus.url,
        credentials: { ...h.key },
        retry: { retries: 2, baseDelayMs: 10 },
        onRetry: (e) => events.push(e),
        fetch: (input, init) => (sent++, fetch(input, init)),
      });
      await client.listProducts().all();
      await assert.rejects(client.listProducts().all(), (e: ApiError) => {
        assert.equal(e.status, 429);
        assert.equal(e.apiCode, 'RATE_LIMIT_EXCEEDED');
        assert.equal(e.headers.get('x-rate-limit'), 'user-hour-lim:1;user-hour-rem:0;');
        return true;
      });
      assert.equal(sent, 1 + 3);
      assert.deepEqual(
        events.map((e) => [e.attempt, e.reason, e.budget]),
        [
          [1, 'rate-limit', { limit: 1, remaining: 0 }],
          [2, 'rate-limit', { limit: 1, remaining: 0 }],
        ],
      );
    } finally {
      await h.close();
    }
  });

  test('a refused connection is retried, then reported as a NetworkError', async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    const client = new AscClient({
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: { issuerId: 'i', keyId: 'k', privateKey: pem },
      retry: { retries: 2, baseDelayMs: 10 },
      onRetry: (e) => events.push(e),
    });
    // A POST is retried too when the connection was refused: it never reached a server.
    await assert.rejects(client.startBuildRun({ workflowId: 'w' }), (e: NetworkError) => {
      assert.ok(e instanceof NetworkError);
      assert.equal(e.code, 'ASC_NETWORK_ERROR');
      assert.equal(e.attempts, 3);
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    assert.equal(events.length, 2);
  });

  test('a server that never answers gives a TimeoutError', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as { port: number };
      const client = new AscClient({
        baseUrl: `http://127.0.0.1:${port}`,
        credentials: { issuerId: 'i', keyId: 'k', privateKey: pem },
        timeoutMs: 200,
      });
      await assert.rejects(client.listProducts().all(), (e: TimeoutError) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.code, 'ASC_TIMEOUT');
        assert.equal(e.timeoutMs, 200);
        return true;
      });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});
