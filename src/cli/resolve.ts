/**
 * Turns what people type — a product or workflow name, a branch, a build
 * number — into the ids the API takes. A name that matches nothing or more
 * than one thing is a usage error naming the candidates.
 */
import {
  ApiError,
  type AscClient,
  type CiBuildAction,
  type CiBuildRun,
  type CiProduct,
  type CiWorkflow,
  type ScmGitReference,
  type ScmPullRequest,
  type ScmRepository,
} from '../client/index.ts';
import { UsageError } from './cli-error.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Apple's and Stratus's CI ids are UUIDs; anything else is taken for a name. */
export function looksLikeId(value: string): boolean {
  return UUID.test(value);
}

function listed(names: string[], limit = 12): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown}, … (${names.length} in all)` : shown;
}

async function orNotFound<T>(load: Promise<T>, message: string): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new UsageError(message);
    throw error;
  }
}

export async function resolveProduct(client: AscClient, value: string): Promise<CiProduct> {
  if (looksLikeId(value)) {
    const doc = await orNotFound(client.getProduct(value), `no product with id '${value}'`);
    return doc.data;
  }
  const products = await client.listProducts({ limit: 200 }).all();
  const matches = products.filter((p) => p.attributes?.name === value);
  if (matches.length === 1) return matches[0]!;
  const names = products.map((p) => `'${p.attributes?.name}'`);
  if (matches.length === 0)
    throw new UsageError(`no product named '${value}'; products: ${listed(names)}`);
  throw new UsageError(
    `product name '${value}' is ambiguous: ${matches.map((p) => p.id).join(', ')}; give the id`,
  );
}

export interface ResolvedWorkflow {
  workflow: CiWorkflow;
  /** Known when the workflow was found by name. */
  product?: CiProduct;
}

/** A workflow by id, or by name within `--product` (or across every product). */
export async function resolveWorkflow(
  client: AscClient,
  value: string,
  productValue?: string,
): Promise<ResolvedWorkflow> {
  if (looksLikeId(value)) {
    const doc = await orNotFound(client.getWorkflow(value), `no workflow with id '${value}'`);
    return { workflow: doc.data };
  }
  const products = productValue
    ? [await resolveProduct(client, productValue)]
    : await client.listProducts({ limit: 200 }).all();
  const all: ResolvedWorkflow[] = [];
  for (const product of products) {
    for await (const workflow of client.listWorkflows(product.id, { limit: 200 })) {
      all.push({ workflow, product });
    }
  }
  const label = (w: ResolvedWorkflow) =>
    `'${w.workflow.attributes?.name}' in ${w.product?.attributes?.name} (${w.workflow.id})`;
  const matches = all.filter((w) => w.workflow.attributes?.name === value);
  if (matches.length === 1) return matches[0]!;
  const where = productValue ? ` in product '${productValue}'` : '';
  if (matches.length === 0) {
    throw new UsageError(
      `no workflow named '${value}'${where}; workflows: ${listed(all.map(label))}`,
    );
  }
  throw new UsageError(
    `workflow name '${value}' is ambiguous: ${matches.map(label).join(', ')}; ` +
      'give --product or the workflow id',
  );
}

/** A repository by id, `owner/name`, or name. */
export async function resolveRepository(client: AscClient, value: string): Promise<ScmRepository> {
  if (looksLikeId(value)) {
    const doc = await orNotFound(client.getRepository(value), `no repository with id '${value}'`);
    return doc.data;
  }
  const repositories = await client.listRepositories({ limit: 200 }).all();
  const full = (r: ScmRepository) =>
    [r.attributes?.ownerName, r.attributes?.repositoryName].filter(Boolean).join('/');
  const matches = repositories.filter(
    (r) => full(r) === value || r.attributes?.repositoryName === value,
  );
  if (matches.length === 1) return matches[0]!;
  const names = repositories.map((r) => `'${full(r)}'`);
  if (matches.length === 0) {
    throw new UsageError(`no repository named '${value}'; repositories: ${listed(names)}`);
  }
  throw new UsageError(
    `repository name '${value}' is ambiguous: ` +
      `${matches.map((r) => `'${full(r)}' (${r.id})`).join(', ')}; ` +
      'give owner/name or the id',
  );
}

/**
 * A live branch or tag of a repository by name or canonical name. The API
 * has no filter for this, so the list is read; deleted
 * references stay listed and are skipped.
 */
export async function resolveGitReference(
  client: AscClient,
  repositoryId: string,
  name: string,
  kind: 'BRANCH' | 'TAG',
): Promise<ScmGitReference> {
  const refs = (await client.listGitReferences(repositoryId, { limit: 200 }).all()).filter(
    (r) => r.attributes?.kind === kind && !r.attributes?.isDeleted,
  );
  const matches = refs.filter(
    (r) => r.attributes?.name === name || r.attributes?.canonicalName === name,
  );
  if (matches.length === 1) return matches[0]!;
  const word = kind === 'BRANCH' ? 'branch' : 'tag';
  if (matches.length === 0) {
    throw new UsageError(
      `no ${word} '${name}' in the workflow's repository; ${word}es: ` +
        listed(refs.map((r) => `'${r.attributes?.name}'`)),
    );
  }
  throw new UsageError(
    `${word} '${name}' is ambiguous: ` +
      `${matches.map((r) => r.attributes?.canonicalName).join(', ')}; ` +
      'give the canonical name (refs/...)',
  );
}

/** An open pull request of a repository by its number. */
export async function resolvePullRequest(
  client: AscClient,
  repository: ScmRepository,
  number: number,
): Promise<ScmPullRequest> {
  const pulls = await client.listPullRequests(repository.id, { limit: 200 }).all();
  const match = pulls.find((p) => p.attributes?.number === number && !p.attributes?.isClosed);
  if (match) return match;
  const name = repository.attributes?.repositoryName ?? repository.id;
  const open = pulls.filter((p) => !p.attributes?.isClosed).map((p) => `#${p.attributes?.number}`);
  throw new UsageError(
    `no open pull request #${number} in repository '${name}'; open pull requests: ` +
      `${listed(open)}` +
      (pulls.length === 0 ? ' (a server without a provider connection lists none)' : ''),
  );
}

export interface RunScope {
  workflow?: string;
  product?: string;
}

/**
 * A run by id, or by build number within `--workflow` or `--product`. Xcode
 * Cloud keeps one build-number counter per app, so a number read within a
 * workflow is the same run as within its product.
 */
export async function resolveRun(
  client: AscClient,
  value: string,
  scope: RunScope,
): Promise<CiBuildRun> {
  if (!/^#?\d+$/.test(value)) {
    const doc = await orNotFound(client.getBuildRun(value), `no build run with id '${value}'`);
    return doc.data;
  }
  const number = Number(value.replace('#', ''));
  let owner: { workflowId: string } | { productId: string };
  let label: string;
  if (scope.workflow) {
    const { workflow } = await resolveWorkflow(client, scope.workflow, scope.product);
    owner = { workflowId: workflow.id };
    label = `workflow '${workflow.attributes?.name}'`;
  } else if (scope.product) {
    const product = await resolveProduct(client, scope.product);
    owner = { productId: product.id };
    label = `product '${product.attributes?.name}'`;
  } else {
    throw new UsageError(
      `'${value}' is a build number: give --workflow or --product to say whose, or the run's id`,
    );
  }
  let latest: number | undefined;
  for await (const run of client.listBuildRuns(owner, { sort: '-number', limit: 200 })) {
    const n = run.attributes?.number ?? 0;
    latest ??= n;
    if (n === number) return run;
    // Newest first: once below the number, it is not there.
    if (n < number) break;
  }
  throw new UsageError(
    `no build ${number} in ${label}` + (latest ? ` (the latest is ${latest})` : ' (it has none)'),
  );
}

/** For `artifacts download`: a run (id or number), or an action id. */
export async function resolveRunOrAction(
  client: AscClient,
  value: string,
  scope: RunScope,
): Promise<{ run: CiBuildRun } | { action: CiBuildAction }> {
  if (/^#?\d+$/.test(value)) return { run: await resolveRun(client, value, scope) };
  try {
    return { run: (await client.getBuildRun(value)).data };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const doc = await orNotFound(
    client.getBuildAction(value),
    `no build run or build action with id '${value}'`,
  );
  return { action: doc.data };
}
