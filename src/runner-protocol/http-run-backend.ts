/**
 * The runner backend for `stratus runner --server URL --token T`: every
 * report is a request to the server's runner protocol (messages.ts), so the
 * machine holds no database credentials. Log lines go in batches while an
 * action runs; artifacts are uploaded, then removed here.
 */
import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { rm, stat } from 'node:fs/promises';
import type { IssueCounts, IssueRecord, TestResultRecord } from '../model/records.ts';
import type { ArtifactFile, ClaimedRun, RunBackend } from '../engine/runner/run-backend.ts';
import type { RunnerOffer } from '../engine/runner/runner-offer.ts';
import type { CompletionBody, RunEvent, RunnerReportBody } from './messages.ts';
import { LiveLogForwarder } from './live-log-forwarder.ts';
import { RUNNER_HEADER } from './runner-routes.ts';

export interface HttpRunBackendConfig {
  /** The server's origin, e.g. http://127.0.0.1:8080. */
  serverUrl: string;
  token: string;
  runnerId: string;
  onLogError: (err: unknown) => void;
  /**
   * How long a report made while performing a run keeps retrying an
   * unreachable server; past the lease the server ends the run anyway.
   */
  retryMs?: number;
}

export class RunnerProtocolError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'RunnerProtocolError';
    this.status = status;
  }

  /** A revoked or unknown token: retrying cannot help, the runner must stop. */
  get fatal(): boolean {
    return this.status === 401;
  }
}

/** The server could not be reached at all: refused, unknown host, reset, timed out. */
export class ServerUnreachable extends Error {
  constructor(serverUrl: string, cause: unknown) {
    super(`cannot reach the Stratus server at ${serverUrl}: ${describeCause(cause)}`, { cause });
    this.name = 'ServerUnreachable';
  }
}

function describeCause(error: unknown): string {
  // fetch wraps the socket's error: "fetch failed" says nothing, its cause does.
  const inner = (error as { cause?: unknown })?.cause ?? error;
  const code = (inner as { code?: string })?.code;
  const message = inner instanceof Error ? inner.message : String(inner);
  return code && !message.includes(code) ? `${code} (${message})` : message;
}

export class HttpRunBackend implements RunBackend {
  readonly #config: Readonly<HttpRunBackendConfig>;
  readonly #logs = new Map<string, LiveLogForwarder>();

  constructor(config: HttpRunBackendConfig) {
    this.#config = Object.freeze({ ...config });
  }

  /** How long the server keeps a lease without a heartbeat. */
  async leaseMs(): Promise<number> {
    const body = (await this.#post('/runner/v1/hello', {})) as { leaseSeconds: number };
    return body.leaseSeconds * 1000;
  }

  async report(offer: RunnerOffer): Promise<void> {
    await this.#post('/runner/v1/report', reportBody(offer));
  }

  async claim(offer: RunnerOffer): Promise<ClaimedRun | undefined> {
    return ((await this.#post('/runner/v1/claim', reportBody(offer))) ?? undefined) as
      ClaimedRun | undefined;
  }

  async renew(runId: string): Promise<boolean> {
    const body = (await this.#post(`/runner/v1/runs/${runId}/heartbeat`, {})) as { held: boolean };
    return body.held;
  }

  runStarted(runId: string): Promise<void> {
    return this.#events(runId, [{ type: 'runStarted' }]).then(() => undefined);
  }

  actionStarted(runId: string, actionId: string): Promise<void> {
    return this.#events(runId, [{ type: 'actionStarted', actionId }]).then(() => undefined);
  }

  async records(
    runId: string,
    actionId: string,
    issues: IssueRecord[],
    testResults: TestResultRecord[],
  ): Promise<void> {
    await this.#events(runId, [{ type: 'records', actionId, issues, testResults }]);
  }

  readonly liveLog = (runId: string, position: number, text: string): void => {
    let forwarder = this.#logs.get(runId);
    if (!forwarder) {
      forwarder = new LiveLogForwarder({
        send: (pos, chunk) =>
          this.#events(runId, [{ type: 'log', position: pos, text: chunk }]).then(() => undefined),
        flushBytes: 256 * 1024,
        flushMs: 250,
        maxBufferedBytes: 4 * 1024 * 1024,
        onError: this.#config.onLogError,
      });
      this.#logs.set(runId, forwarder);
    }
    forwarder.push(position, text);
  };

  async artifact(runId: string, actionId: string, file: ArtifactFile): Promise<void> {
    const query = new URLSearchParams({
      fileType: file.fileType,
      fileName: file.fileName,
      key: file.key,
    });
    const { size } = await stat(file.path);
    const response = await fetch(
      `${this.#config.serverUrl}/runner/v1/runs/${runId}/actions/${actionId}/artifacts?${query}`,
      {
        method: 'PUT',
        headers: {
          ...this.#headers(),
          'content-type': 'application/octet-stream',
          'content-length': String(size),
        },
        body: createReadStream(file.path) as unknown as ReadableStream,
        duplex: 'half',
      } as RequestInit,
    );
    await readAnswer(response);
    await rm(file.path, { force: true });
  }

  async actionFinished(runId: string, actionId: string, status: string): Promise<IssueCounts> {
    await this.#logs.get(runId)?.drain();
    const answer = await this.#events(runId, [
      { type: 'actionFinished', actionId, status: status as 'SUCCEEDED' },
    ]);
    return answer.actionCounts[actionId]!;
  }

  async runCounts(runId: string, counts: IssueCounts): Promise<void> {
    await this.#events(runId, [{ type: 'runCounts', counts }]);
  }

  async runFinished(runId: string, status: string, counts: IssueCounts | null): Promise<void> {
    await this.#complete(runId, { status: status as 'SUCCEEDED', counts });
  }

  async runErrored(runId: string, reason: string): Promise<void> {
    await this.#complete(runId, { status: 'ERRORED', reason });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#logs.values()].map((f) => f.drain()));
  }

  async #complete(runId: string, body: CompletionBody): Promise<void> {
    await this.#logs.get(runId)?.drain();
    this.#logs.delete(runId);
    await this.#post(`/runner/v1/runs/${runId}/complete`, body);
  }

  async #events(
    runId: string,
    events: RunEvent[],
  ): Promise<{ actionCounts: Record<string, IssueCounts> }> {
    return (await this.#post(`/runner/v1/runs/${runId}/events`, { events })) as {
      actionCounts: Record<string, IssueCounts>;
    };
  }

  #headers(): Record<string, string> {
    return {
      authorization: `Bearer ${this.#config.token}`,
      [RUNNER_HEADER]: this.#config.runnerId,
    };
  }

  /**
   * Posts once for hello and claim (their callers retry with backoff), and
   * for reports about a run retries an unreachable server with growing
   * pauses for up to retryMs, so a server restart does not lose the run.
   */
  async #post(path: string, body: unknown): Promise<unknown> {
    const retries = path.startsWith('/runner/v1/runs/');
    const deadline = Date.now() + (this.#config.retryMs ?? 0);
    for (let pause = 250; ; pause = Math.min(pause * 2, 5000)) {
      let response: Response;
      try {
        response = await fetch(`${this.#config.serverUrl}${path}`, {
          method: 'POST',
          headers: { ...this.#headers(), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      } catch (error) {
        if (!retries || Date.now() + pause > deadline) {
          throw new ServerUnreachable(this.#config.serverUrl, error);
        }
        await sleep(pause);
        continue;
      }
      return readAnswer(response);
    }
  }
}

function reportBody(offer: RunnerOffer): RunnerReportBody {
  return { id: offer.id, name: offer.name, slots: offer.slots, toolchain: offer.toolchain };
}

/** The JSON answer, null for 204, or a RunnerProtocolError quoting the server's detail. */
async function readAnswer(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (response.ok) return text === '' ? null : JSON.parse(text);
  let detail = text.slice(0, 500);
  try {
    const first = JSON.parse(text).errors?.[0];
    if (first) detail = `${first.title} ${first.detail ?? ''}`.trim();
  } catch {
    // Not an error document (a proxy's page, say); quote it as it is.
  }
  throw new RunnerProtocolError(response.status, `server answered ${response.status}: ${detail}`);
}
