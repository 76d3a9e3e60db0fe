/**
 * The client's errors: one base class, one subclass per way a call can fail,
 * each with a stable `code` to switch on.
 */
import type { ErrorResponse, ResponseError } from './contract-types.ts';

/**
 * Base of every error the client throws. Switch on `code`, which never
 * changes between releases, rather than on the message.
 *
 * @example
 * try {
 *   await client.getBuildRun(id);
 * } catch (error) {
 *   if (error instanceof AscClientError && error.code === 'ASC_API_ERROR') {
 *     console.error(error.status, error.errors[0]?.code);
 *   }
 * }
 */
export class AscClientError extends Error {
  readonly code: string = 'ASC_CLIENT_ERROR';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The server answered with an error status. `errors` holds the entries of its
 * `{"errors": [...]}` document; `status`, `apiCode`, `title`, `detail` and
 * `source` repeat the first entry's for convenience.
 *
 * @example
 * catch (error) {
 *   if (error instanceof ApiError && error.status === 404) return null;
 *   throw error;
 * }
 */
export class ApiError extends AscClientError {
  override readonly code = 'ASC_API_ERROR';
  readonly status: number;
  /** App Store Connect's code of the first error, e.g. `NOT_FOUND` or `PARAMETER_ERROR.INVALID`. */
  readonly apiCode: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly source: ResponseError['source'];
  readonly errors: ResponseError[];
  readonly method: string;
  readonly url: string;
  /** The response headers, e.g. for `x-rate-limit`. */
  readonly headers: Headers;

  constructor(input: {
    status: number;
    document: ErrorResponse | null;
    method: string;
    url: string;
    headers: Headers;
  }) {
    const errors = input.document?.errors ?? [];
    const first = errors[0];
    const title = first?.title ?? `The server answered HTTP ${input.status}`;
    const detail = first?.detail ?? undefined;
    super(detail ? `${title}: ${detail}` : title);
    this.status = input.status;
    this.apiCode = first?.code ?? `HTTP_${input.status}`;
    this.title = title;
    this.detail = detail;
    this.source = first?.source;
    this.errors = errors;
    this.method = input.method;
    this.url = input.url;
    this.headers = input.headers;
  }
}

/**
 * No answer could be had from the server (refused, reset, DNS), after the
 * retries the client allows. `cause` holds the underlying error.
 *
 * @example
 * catch (error) {
 *   if (error instanceof NetworkError) console.error(`is the server up? ${error.message}`);
 * }
 */
export class NetworkError extends AscClientError {
  override readonly code = 'ASC_NETWORK_ERROR';
  readonly url: string;
  readonly attempts: number;

  constructor(url: string, attempts: number, cause: unknown) {
    const reason = describeCause(cause);
    super(`could not reach ${new URL(url).origin} (${reason}) after ${attempts} attempt(s)`, {
      cause,
    });
    this.url = url;
    this.attempts = attempts;
  }
}

/**
 * A request took longer than the client's `timeoutMs`.
 *
 * @example
 * const client = new AscClient({ ...config, timeoutMs: 5_000 });
 * // a stalled server then makes calls reject with TimeoutError
 */
export class TimeoutError extends AscClientError {
  override readonly code = 'ASC_TIMEOUT';
  readonly url: string;
  readonly timeoutMs: number;

  constructor(url: string, timeoutMs: number) {
    super(`no answer from ${new URL(url).origin} within ${timeoutMs} ms`);
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The credentials cannot make a token: a missing issuer or key id, a key file
 * that cannot be read, or contents that are not an ES256 (P-256) PKCS#8 key.
 *
 * @example
 * new TokenSource({ issuerId, keyId, privateKeyPath: 'missing.p8' }).token()
 * // rejects with AuthConfigError: cannot read the private key file 'missing.p8' ...
 */
export class AuthConfigError extends AscClientError {
  override readonly code = 'ASC_AUTH_CONFIG';
}

function describeCause(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  if (inner?.code) return inner.code;
  if (inner?.message) return inner.message;
  return cause instanceof Error ? cause.message : String(cause);
}
