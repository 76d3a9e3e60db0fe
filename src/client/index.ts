/**
 * The Stratus client for App Store Connect's CI API: typed documents from the
 * contract, ES256 tokens minted and refreshed from a `.p8` key, lazy paging,
 * bounded retries and one error hierarchy. It works against Apple's service
 * and against Stratus alike; it needs nothing beyond the global `fetch` and
 * `jose` for signing.
 *
 * @example
 * import { AscClient } from './src/client/index.ts';
 * const client = new AscClient({
 *   baseUrl: process.env.STRATUS_BASE_URL,
 *   credentials: { issuerId, keyId, privateKeyPath },
 * });
 * const { data: run } = await client.getBuildRun(runId);
 */
export { AscClient, APPLE_BASE_URL } from './asc-client.ts';
export type {
  AscClientConfig,
  AscResponse,
  RetryEvent,
  StartBuildRunInput,
  TokenProvider,
} from './asc-client.ts';
export {
  AscClientError,
  ApiError,
  AuthConfigError,
  NetworkError,
  TimeoutError,
} from './asc-client-error.ts';
export { Paged, type ListDocument } from './paged.ts';
export { encodeSegment, expandPath, type QueryOptions } from './request-url.ts';
export type { RetryConfig } from './retry-policy.ts';
export {
  TokenSource,
  MAX_TOKEN_LIFETIME_SECONDS,
  MAX_SCOPED_TOKEN_LIFETIME_SECONDS,
  type KeyCredentials,
  type TokenSourceConfig,
} from './token-source.ts';
export type * from './contract-types.ts';
