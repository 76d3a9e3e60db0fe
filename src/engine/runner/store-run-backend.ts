/**
 * The runner backend for a process that holds the store: the server's own
 * runner slots, and `stratus runner --database`. Artifacts go straight into
 * the artifact store, whose folder the server shares.
 */
import type { Store } from '../../store/store.ts';
import type { ArtifactStore } from '../../artifacts/artifact-store.ts';
import type { IssueCounts, IssueRecord, TestResultRecord } from '../../model/records.ts';
import type { ArtifactFile, ClaimedRun, RunBackend } from './run-backend.ts';
import { offersXcode, type RunnerOffer } from './runner-offer.ts';
import { endErrored } from './end-errored.ts';
import { finishAction } from './finish-action.ts';

export interface StoreRunBackendConfig {
  owner: string;
  leaseMs: number;
}

export class StoreRunBackend implements RunBackend {
  readonly liveLog = null;
  readonly #store: Store;
  readonly #artifacts: ArtifactStore;
  readonly #config: Readonly<StoreRunBackendConfig>;
  #seenAt = 0;

  constructor(store: Store, artifacts: ArtifactStore, config: StoreRunBackendConfig) {
    this.#store = store;
    this.#artifacts = artifacts;
    this.#config = Object.freeze({ ...config });
  }

  async report(offer: RunnerOffer): Promise<void> {
    await reportOffer(this.#store, offer);
  }

  async claim(offer: RunnerOffer): Promise<ClaimedRun | undefined> {
    // Idle slots poll often; the last-seen time needs only the lease's precision.
    const now = Date.now();
    if (now - this.#seenAt > this.#config.leaseMs / 3) {
      this.#seenAt = now;
      await this.#store.runners.seen(offer.id);
    }
    return claimFromStore(this.#store, this.#config.owner, this.#config.leaseMs, offer);
  }

  renew(runId: string): Promise<boolean> {
    return this.#store.runs.renew(runId, this.#config.owner, this.#config.leaseMs);
  }

  runStarted(runId: string): Promise<void> {
    return this.#store.runs.markRunStarted(runId, this.#config.owner);
  }

  actionStarted(_runId: string, actionId: string): Promise<void> {
    return this.#store.runs.markActionStarted(actionId);
  }

  async records(
    _runId: string,
    actionId: string,
    issues: IssueRecord[],
    testResults: TestResultRecord[],
  ): Promise<void> {
    await this.#store.records.addIssues(actionId, issues);
    await this.#store.records.addTestResults(actionId, testResults);
  }

  async artifact(_runId: string, actionId: string, file: ArtifactFile): Promise<void> {
    const stored = await this.#artifacts.put(file.key, file.path);
    await this.#store.records.addArtifact(actionId, {
      fileType: file.fileType,
      fileName: file.fileName,
      fileSize: stored.size,
      storageKey: stored.storageKey,
    });
  }

  actionFinished(runId: string, actionId: string, status: string): Promise<IssueCounts> {
    return finishAction(this.#store, runId, actionId, status);
  }

  runCounts(runId: string, counts: IssueCounts): Promise<void> {
    return this.#store.runs.setRunCounts(runId, counts);
  }

  async runFinished(runId: string, status: string, counts: IssueCounts | null): Promise<void> {
    await this.#store.runs.markRunFinished(runId, status, counts);
  }

  runErrored(runId: string, reason: string): Promise<void> {
    return endErrored(this.#store, runId, reason);
  }

  async close(): Promise<void> {}
}

/** Records what a runner offers: its toolchain, then how it works. Shared with HTTP. */
export async function reportOffer(store: Store, offer: RunnerOffer): Promise<void> {
  await store.toolchain.report({ id: offer.id, name: offer.name }, offer.toolchain);
  await store.runners.describe(offer.id, offer.mode, offer.slots);
}

/** Claims a run for `owner` and reads what performing it needs. Shared with the HTTP protocol. */
export async function claimFromStore(
  store: Store,
  owner: string,
  leaseMs: number,
  offer: Pick<RunnerOffer, 'toolchain'>,
): Promise<ClaimedRun | undefined> {
  const run = await store.runs.claim(owner, leaseMs, { xcodebuild: offersXcode(offer) });
  if (!run) return undefined;
  const actions = await store.runs.actionsOfRun(run.id);
  const [product] = await store.catalog.products([run.product_id]);
  const info = product
    ? { name: product.name, bundle_id: product.bundle_id, team_id: product.team_id }
    : null;
  return { run, actions, product: info };
}
