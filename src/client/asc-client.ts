/**
 * A typed client for App Store Connect's CI API, the same for Apple's service
 * and for Stratus: only the base URL and the key differ.
 */
import { ApiError, AscClientError, NetworkError, TimeoutError } from './asc-client-error.ts';
import type * as T from './contract-types.ts';
import { Paged, type ListDocument } from './paged.ts';
import {
  applyQuery,
  expandPath,
  followLink,
  resolveUrl,
  type QueryOptions,
} from './request-url.ts';
import {
  backoffDelay,
  rateLimit,
  retryAfterMs,
  retryPolicy,
  type RetryConfig,
  type RetryPolicy,
} from './retry-policy.ts';
import { TokenSource, type KeyCredentials } from './token-source.ts';

/**
 * Apple's API root.
 *
 * @example
 * new AscClient({ baseUrl: APPLE_BASE_URL, credentials: appleKey });
 */
export const APPLE_BASE_URL = 'https://api.appstoreconnect.apple.com';

/**
 * Anything that hands out a current bearer token; a {@link TokenSource} is one.
 *
 * @example
 * const fixed: TokenProvider = { token: async () => process.env.ASC_TOKEN! };
 * new AscClient({ baseUrl, credentials: fixed });
 */
export interface TokenProvider {
  token(): Promise<string>;
}

/**
 * Told before each retry, e.g. to print "retrying in 2 s".
 *
 * @example
 * new AscClient({
 *   ...config,
 *   onRetry: (e) => process.stderr.write(`${e.reason}: retry ${e.attempt} in ${e.delayMs} ms\n`),
 * });
 */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  reason: 'network' | 'rate-limit';
  /** From a 429's `X-Rate-Limit`, when it has one. */
  budget: { limit: number; remaining: number } | null;
  method: string;
  url: string;
  error: AscClientError;
}

/**
 * Settings of an {@link AscClient}.
 *
 * @example
 * const config: AscClientConfig = {
 *   baseUrl: 'http://127.0.0.1:8080',
 *   credentials: { issuerId, keyId, privateKeyPath: '/keys/AuthKey_7QK2M9XA3B.p8' },
 *   timeoutMs: 30_000,
 * };
 */
export interface AscClientConfig {
  /** API root without `/v1`. Default {@link APPLE_BASE_URL}. */
  baseUrl?: string | URL;
  /** A key to mint tokens from, or a ready token provider. */
  credentials: KeyCredentials | TokenProvider;
  /** Per request, until the whole body has arrived. Default 60 s. */
  timeoutMs?: number;
  retry?: RetryConfig;
  onRetry?: (event: RetryEvent) => void;
  /** Stand-in for the global fetch (e.g. to count requests). */
  fetch?: typeof fetch;
}

/**
 * A response whose status was below 400.
 *
 * @example
 * const { status, headers, document } = await client.request('GET', '/v1/ciProducts');
 * console.log(status, headers.get('x-rate-limit'), document);
 */
export interface AscResponse<D> {
  status: number;
  headers: Headers;
  url: string;
  document: D;
}

/**
 * What `POST /v1/ciBuildRuns` should start: a branch or tag (`gitReferenceId`),
 * a pull request, or a rebuild of an earlier run — never more than one; with
 * none, the workflow's default.
 *
 * @example
 * await client.startBuildRun({ workflowId, gitReferenceId: mainRef.id, clean: true });
 */
export interface StartBuildRunInput {
  workflowId: string;
  gitReferenceId?: string;
  pullRequestId?: string;
  /** Id of the run to build again (its commit). */
  rebuildOf?: string;
  clean?: boolean;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Calls the App Store Connect CI API: signs requests with a fresh ES256 token,
 * pages lists lazily, retries network failures and `429` with bounded
 * backoff, and throws an {@link AscClientError} subclass on failure.
 *
 * @example
 * const client = new AscClient({
 *   baseUrl: 'http://127.0.0.1:8080',
 *   credentials: { issuerId, keyId, privateKeyPath },
 * });
 * for await (const product of client.listProducts()) {
 *   for await (const workflow of client.listWorkflows(product.id)) {
 *     console.log(product.attributes?.name, workflow.attributes?.name);
 *   }
 * }
 */
export class AscClient {
  readonly baseUrl: URL;
  readonly #tokens: TokenProvider;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #fetch: typeof fetch;

  constructor(config: AscClientConfig) {
    this.baseUrl = new URL(config.baseUrl ?? APPLE_BASE_URL);
    if (!/^https?:$/.test(this.baseUrl.protocol)) {
      throw new TypeError(`baseUrl must be an http(s) URL; got ${this.baseUrl.href}`);
    }
    this.#tokens =
      'token' in config.credentials && typeof config.credentials.token === 'function'
        ? config.credentials
        : new TokenSource(config.credentials as KeyCredentials);
    this.#timeoutMs = config.timeoutMs ?? 60_000;
    this.#retry = retryPolicy(config.retry);
    this.#onRetry = config.onRetry;
    this.#fetch = config.fetch ?? globalThis.fetch;
  }

  // --- Products and workflows -------------------------------------------

  /**
   * `GET /v1/ciProducts`, lazily paged.
   *
   * @example
   * const apps = await client.listProducts({ filter: { productType: 'APP' } }).all();
   */
  listProducts(query?: QueryOptions): Paged<T.CiProduct, T.CiProductsResponse> {
    return this.list('/v1/ciProducts', {}, query);
  }

  /**
   * `GET /v1/ciProducts/{id}`.
   *
   * @example
   * const { data: product } = await client.getProduct(productId);
   */
  getProduct(id: string, query?: QueryOptions): Promise<T.CiProductResponse> {
    return this.get('/v1/ciProducts/{id}', { id }, query);
  }

  /**
   * `GET /v1/ciProducts/{id}/workflows`, lazily paged.
   *
   * @example
   * const names = (await client.listWorkflows(productId).all()).map((w) => w.attributes?.name);
   */
  listWorkflows(
    productId: string,
    query?: QueryOptions,
  ): Paged<T.CiWorkflow, T.CiWorkflowsResponse> {
    return this.list('/v1/ciProducts/{id}/workflows', { id: productId }, query);
  }

  /**
   * `GET /v1/ciWorkflows/{id}`.
   *
   * @example
   * const { data } = await client.getWorkflow(workflowId, { include: ['product'] });
   */
  getWorkflow(id: string, query?: QueryOptions): Promise<T.CiWorkflowResponse> {
    return this.get('/v1/ciWorkflows/{id}', { id }, query);
  }

  /**
   * `GET /v1/ciWorkflows/{id}/repository`: where the workflow's branches and tags live.
   *
   * @example
   * const { data: repository } = await client.getWorkflowRepository(workflowId);
   */
  getWorkflowRepository(id: string, query?: QueryOptions): Promise<T.ScmRepositoryResponse> {
    return this.get('/v1/ciWorkflows/{id}/repository', { id }, query);
  }

  // --- Source control ------------------------------------------------------

  /**
   * `GET /v1/scmRepositories`, lazily paged.
   *
   * @example
   * for await (const repo of client.listRepositories()) {
   *   console.log(repo.attributes?.repositoryName);
   * }
   */
  listRepositories(query?: QueryOptions): Paged<T.ScmRepository, T.ScmRepositoriesResponse> {
    return this.list('/v1/scmRepositories', {}, query);
  }

  /**
   * `GET /v1/scmRepositories/{id}`.
   *
   * @example
   * const { data: repository } = await client.getRepository(repositoryId);
   */
  getRepository(id: string, query?: QueryOptions): Promise<T.ScmRepositoryResponse> {
    return this.get('/v1/scmRepositories/{id}', { id }, query);
  }

  /**
   * `GET /v1/scmRepositories/{id}/gitReferences`: branches and tags, deleted
   * ones included (check `isDeleted`). The API has no filter, so finding one
   * by name means reading the list, as Apple's own clients do.
   *
   * @example
   * const refs = await client.listGitReferences(repositoryId, { limit: 200 }).all();
   * const main = refs.find((r) => r.attributes?.canonicalName === 'refs/heads/main');
   */
  listGitReferences(
    repositoryId: string,
    query?: QueryOptions,
  ): Paged<T.ScmGitReference, T.ScmGitReferencesResponse> {
    return this.list('/v1/scmRepositories/{id}/gitReferences', { id: repositoryId }, query);
  }

  /**
   * `GET /v1/scmRepositories/{id}/pullRequests`.
   *
   * @example
   * const open = (await client.listPullRequests(repositoryId).all()).filter(
   *   (pr) => !pr.attributes?.isClosed,
   * );
   */
  listPullRequests(
    repositoryId: string,
    query?: QueryOptions,
  ): Paged<T.ScmPullRequest, T.ScmPullRequestsResponse> {
    return this.list('/v1/scmRepositories/{id}/pullRequests', { id: repositoryId }, query);
  }

  // --- Build runs ------------------------------------------------------------

  /**
   * Runs of one workflow or one product, lazily paged. There is no list of
   * all runs in Apple's API; runs come oldest first unless
   * `sort: '-number'`.
   *
   * @example
   * const latest = await client
   *   .listBuildRuns({ workflowId }, { sort: '-number', limit: 1 })
   *   .pages().next();
   */
  listBuildRuns(
    owner: { workflowId: string } | { productId: string },
    query?: QueryOptions,
  ): Paged<T.CiBuildRun, T.CiBuildRunsResponse> {
    return 'workflowId' in owner
      ? this.list('/v1/ciWorkflows/{id}/buildRuns', { id: owner.workflowId }, query)
      : this.list('/v1/ciProducts/{id}/buildRuns', { id: owner.productId }, query);
  }

  /**
   * `GET /v1/ciBuildRuns/{id}`.
   *
   * @example
   * const { data: run } = await client.getBuildRun(runId);
   * if (run.attributes?.executionProgress === 'COMPLETE') {
   *   console.log(run.attributes.completionStatus);
   * }
   */
  getBuildRun(id: string, query?: QueryOptions): Promise<T.CiBuildRunResponse> {
    return this.get('/v1/ciBuildRuns/{id}', { id }, query);
  }

  /**
   * `POST /v1/ciBuildRuns`. A rebuild also names the workflow, which Apple
   * requires: its API refuses a rebuild without the workflow relationship.
   *
   * @example
   * const { data: run } = await client.startBuildRun({ workflowId, gitReferenceId });
   * console.log(`build ${run.attributes?.number} queued`);
   */
  async startBuildRun(input: StartBuildRunInput): Promise<T.CiBuildRunResponse> {
    const sources = [input.gitReferenceId, input.pullRequestId, input.rebuildOf];
    if (sources.filter((s) => s !== undefined).length > 1) {
      throw new TypeError('start a build from one of a git reference, a pull request or a run');
    }
    const relationships: T.CiBuildRunCreateRequest['data']['relationships'] = {
      workflow: { data: { type: 'ciWorkflows', id: input.workflowId } },
    };
    if (input.gitReferenceId) {
      relationships.sourceBranchOrTag = {
        data: { type: 'scmGitReferences', id: input.gitReferenceId },
      };
    }
    if (input.pullRequestId) {
      relationships.pullRequest = { data: { type: 'scmPullRequests', id: input.pullRequestId } };
    }
    if (input.rebuildOf) {
      relationships.buildRun = { data: { type: 'ciBuildRuns', id: input.rebuildOf } };
    }
    const body: T.CiBuildRunCreateRequest = {
      data: {
        type: 'ciBuildRuns',
        ...(input.clean === undefined ? {} : { attributes: { clean: input.clean } }),
        relationships,
      },
    };
    const response = await this.request<T.CiBuildRunResponse>('POST', '/v1/ciBuildRuns', {
      body,
    });
    return response.document;
  }

  // --- Actions and what they produced ---------------------------------------

  /**
   * `GET /v1/ciBuildRuns/{id}/actions`, lazily paged.
   *
   * @example
   * for await (const action of client.listBuildActions(runId)) {
   *   console.log(action.attributes?.name, action.attributes?.completionStatus);
   * }
   */
  listBuildActions(
    runId: string,
    query?: QueryOptions,
  ): Paged<T.CiBuildAction, T.CiBuildActionsResponse> {
    return this.list('/v1/ciBuildRuns/{id}/actions', { id: runId }, query);
  }

  /**
   * `GET /v1/ciBuildActions/{id}`.
   *
   * @example
   * const { data: action } = await client.getBuildAction(actionId);
   */
  getBuildAction(id: string, query?: QueryOptions): Promise<T.CiBuildActionResponse> {
    return this.get('/v1/ciBuildActions/{id}', { id }, query);
  }

  /**
   * `GET /v1/ciBuildActions/{id}/artifacts`: log bundles, result bundles, archives.
   *
   * @example
   * const logs = (await client.listArtifacts(actionId).all()).filter(
   *   (a) => a.attributes?.fileType === 'LOG_BUNDLE',
   * );
   */
  listArtifacts(
    actionId: string,
    query?: QueryOptions,
  ): Paged<T.CiArtifact, T.CiArtifactsResponse> {
    return this.list('/v1/ciBuildActions/{id}/artifacts', { id: actionId }, query);
  }

  /**
   * `GET /v1/ciBuildActions/{id}/issues`: errors, warnings and test failures.
   *
   * @example
   * const errors = (await client.listIssues(actionId).all()).filter(
   *   (i) => i.attributes?.issueType === 'ERROR',
   * );
   */
  listIssues(actionId: string, query?: QueryOptions): Paged<T.CiIssue, T.CiIssuesResponse> {
    return this.list('/v1/ciBuildActions/{id}/issues', { id: actionId }, query);
  }

  /**
   * `GET /v1/ciBuildActions/{id}/testResults`.
   *
   * @example
   * for await (const result of client.listTestResults(actionId)) {
   *   if (result.attributes?.status === 'FAILURE') console.log(result.attributes.name);
   * }
   */
  listTestResults(
    actionId: string,
    query?: QueryOptions,
  ): Paged<T.CiTestResult, T.CiTestResultsResponse> {
    return this.list('/v1/ciBuildActions/{id}/testResults', { id: actionId }, query);
  }

  /**
   * Fetches an artifact's `downloadUrl`. The link is pre-signed and is
   * fetched without the bearer token, as Apple's links are, so the key never
   * reaches the storage host.
   *
   * @example
   * const bytes = await client.download(artifact.attributes!.downloadUrl!);
   * await writeFile(artifact.attributes!.fileName!, bytes);
   */
  async download(downloadUrl: string): Promise<Uint8Array> {
    const url = new URL(downloadUrl);
    const response = await this.#send('GET', url, undefined, false);
    const bytes = await this.#readBody(response, url, (r) => r.arrayBuffer());
    if (response.status >= 400) {
      let document: T.ErrorResponse | null = null;
      try {
        document = JSON.parse(Buffer.from(bytes).toString('utf8'));
      } catch {
        // Storage hosts may answer errors in XML or plain text.
      }
      throw new ApiError({
        status: response.status,
        document,
        method: 'GET',
        url: url.href,
        headers: response.headers,
      });
    }
    return new Uint8Array(bytes);
  }

  // --- Generic access ------------------------------------------------------

  /**
   * GET of any contract path, returning the document.
   *
   * @example
   * const doc = await client.get<T.CiIssueResponse>('/v1/ciIssues/{id}', { id: issueId });
   */
  async get<D>(
    template: string,
    params?: Record<string, string>,
    query?: QueryOptions,
  ): Promise<D> {
    const url = applyQuery(resolveUrl(this.baseUrl, expandPath(template, params)), query);
    return (await this.request<D>('GET', url)).document;
  }

  /**
   * A lazily paged list at any contract path.
   *
   * @example
   * const refs = client.list<T.ScmGitReference>('/v1/scmRepositories/{id}/gitReferences', { id });
   */
  list<R, D extends ListDocument<R> = ListDocument<R>>(
    template: string,
    params?: Record<string, string>,
    query?: QueryOptions,
  ): Paged<R, D> {
    const first = applyQuery(resolveUrl(this.baseUrl, expandPath(template, params)), query);
    return new Paged<R, D>(
      first,
      async (url) => (await this.request<D>('GET', url)).document,
      (link) => followLink(this.baseUrl, link),
    );
  }

  /**
   * One request with token, timeout and retries. `target` is a path on the
   * base URL (`/v1/...`, no placeholders) or a URL from a link. Statuses of
   * 400 and above throw {@link ApiError}.
   *
   * @example
   * const { status, headers } = await client.request('GET', '/v1/ciProducts');
   */
  async request<D = unknown>(
    method: Method,
    target: string | URL,
    options: { body?: unknown } = {},
  ): Promise<AscResponse<D>> {
    const url =
      target instanceof URL || /^https?:\/\//.test(target)
        ? followLink(this.baseUrl, String(target))
        : resolveUrl(this.baseUrl, target);
    const response = await this.#send(method, url, options.body, true);
    const text = await this.#readBody(response, url, (r) => r.text());
    let document: unknown = null;
    if (text) {
      try {
        document = JSON.parse(text);
      } catch {
        // A proxy's HTML error page, say; the status still tells what went wrong.
        document = null;
      }
    }
    if (response.status >= 400) {
      throw new ApiError({
        status: response.status,
        document: document as T.ErrorResponse | null,
        method,
        url: url.href,
        headers: response.headers,
      });
    }
    return {
      status: response.status,
      headers: response.headers,
      url: url.href,
      document: document as D,
    };
  }

  async #send(method: Method, url: URL, body: unknown, authorize: boolean): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorize) headers.authorization = `Bearer ${await this.#tokens.token()}`;
      if (body !== undefined) headers['content-type'] = 'application/json';

      let failure: AscClientError;
      let delay: number | null;
      let reason: RetryEvent['reason'];
      let budget: RetryEvent['budget'] = null;
      try {
        const response = await this.#fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        if (response.status !== 429) return response;
        // Over the rolling hourly budget per key: wait as the server asks, else back off.
        failure = new ApiError({
          status: 429,
          document: await response.json().catch(() => null),
          method,
          url: url.href,
          headers: response.headers,
        });
        // X-Rate-Limit tells the hourly budget but not when a request ages out of the
        // rolling hour, so only Retry-After can shorten or lengthen the wait.
        delay = retryAfterMs(response.headers);
        budget = rateLimit(response.headers);
        reason = 'rate-limit';
        if (delay !== null && delay > this.#retry.maxDelayMs) throw failure;
      } catch (error) {
        if (error instanceof AscClientError) throw error;
        if (isTimeout(error)) throw new TimeoutError(url.href, this.#timeoutMs);
        failure = new NetworkError(url.href, attempt, error);
        // A refused connection never reached the server; any other failure of a POST
        // might have started a build, so only safe methods are sent again then.
        if (method !== 'GET' && !isRefused(error)) throw failure;
        delay = null;
        reason = 'network';
      }
      if (attempt > this.#retry.retries) throw failure;
      const wait = delay ?? backoffDelay(this.#retry, attempt);
      this.#onRetry?.({
        attempt,
        delayMs: wait,
        reason,
        budget,
        method,
        url: url.href,
        error: failure,
      });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async #readBody<B>(response: Response, url: URL, read: (r: Response) => Promise<B>): Promise<B> {
    try {
      return await read(response);
    } catch (error) {
      if (isTimeout(error)) throw new TimeoutError(url.href, this.#timeoutMs);
      throw new NetworkError(url.href, 1, error);
    }
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

function isRefused(error: unknown): boolean {
  return (error as { cause?: { code?: string } })?.cause?.code === 'ECONNREFUSED';
}
