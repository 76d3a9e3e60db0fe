/** What every request handler can reach: the store, links and signing, the caller. */
import type { Store } from '../store/store.ts';
import type { TokenPrincipal } from '../auth/verify-token.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { Engine } from '../engine/engine.ts';

export interface ApiContext {
  store: Store;
  artifacts: ArtifactStore;
  engine: Engine;
  /** Absolute origin used in every link, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  principal: TokenPrincipal | null;
  /**
   * Set during a read that consulted something besides the database (a repository's
   * git references): its document holds what no database change mark covers, so the
   * server does not keep it for the next request.
   */
  readBeyondStore?: boolean;
}

export interface ApiContextWithTypes extends ApiContext {
  definitions: ReadonlyMap<string, import('./jsonapi/resource-definition.ts').ResourceDefinition>;
}
