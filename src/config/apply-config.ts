/** Writes the products file into the store: products, repositories, workflows. */
import { createHash } from 'node:crypto';
import { basename, isAbsolute, resolve } from 'node:path';
import type { Store } from '../store/store.ts';
import { ConfigError, type ConfigFile } from './config-file.ts';

const conditionNames = [
  'branchStartCondition',
  'tagStartCondition',
  'pullRequestStartCondition',
  'scheduledStartCondition',
  'manualBranchStartCondition',
  'manualTagStartCondition',
  'manualPullRequestStartCondition',
] as const;

/** A local path is resolved against the config file's folder; URLs are kept. */
export function resolveRepositoryUrl(url: string, configDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^:]+:/.test(url)) return url;
  return isAbsolute(url) ? url : resolve(configDir, url);
}

function describeRepository(url: string) {
  const path = url.replace(/\.git$/, '').replace(/\/+$/, '');
  const parts = path.split(/[/:]/).filter(Boolean);
  const repositoryName = basename(path);
  const remote = /^(https?|ssh|git):\/\//.test(url) || /^[^/]+@[^:]+:/.test(url);
  return {
    repository_name: repositoryName,
    owner_name: remote && parts.length >= 2 ? parts[parts.length - 2]! : null,
    http_clone_url: /^https?:\/\//.test(url) ? url : null,
    ssh_clone_url: /^ssh:\/\//.test(url) || /^[^/]+@[^:]+:/.test(url) ? url : null,
  };
}

export async function applyConfig(
  store: Store,
  config: ConfigFile,
  configDir: string,
  teamId: string,
): Promise<void> {
  const productNames = new Set<string>();
  const appIds = new Set<string>();
  for (const [i, product] of config.products.entries()) {
    if (productNames.has(product.name)) {
      throw new ConfigError(`/products/${i}/name: '${product.name}' is declared twice`);
    }
    productNames.add(product.name);
    // An app has one Xcode Cloud product (GET /v1/apps/{id}/ciProduct is to-one).
    if (product.appId && appIds.has(product.appId)) {
      throw new ConfigError(`/products/${i}/appId: '${product.appId}' is given to two products`);
    }
    if (product.appId) appIds.add(product.appId);
    const names = new Set<string>();
    for (const [j, w] of (product.workflows ?? []).entries()) {
      if (names.has(w.name)) {
        throw new ConfigError(`/products/${i}/workflows/${j}/name: '${w.name}' is declared twice`);
      }
      names.add(w.name);
    }
  }

  for (const product of config.products) {
    const url = resolveRepositoryUrl(product.repository.url, configDir);
    const { workflows = [], ...entry } = product;
    // A product deleted over the API is null here until its entry changes.
    const row = await store.catalog.applyFileProduct(
      {
        name: product.name,
        productType: product.productType ?? 'APP',
        bundleId: product.bundleId ?? null,
        appId: product.appId ?? null,
        teamId,
      },
      digestOf({ ...entry, repository: { url } }),
    );
    if (!row) continue;
    const repository = await store.catalog.upsertRepository({
      url,
      ...describeRepository(url),
      default_branch: null,
    });
    await store.catalog.linkRepository(row.id, repository.id, 'PRIMARY');

    for (const w of workflows) {
      const conditions: Record<string, unknown> = {};
      for (const name of conditionNames) conditions[name] = w[name] ?? null;
      await store.catalog.applyFileWorkflow(
        {
          product_id: row.id,
          repository_id: repository.id,
          name: w.name,
          description: w.description ?? '',
          is_enabled: w.isEnabled === false ? 0 : 1,
          is_locked_for_editing: 0,
          clean: w.clean ? 1 : 0,
          container_file_path: w.containerFilePath ?? null,
          start_conditions: JSON.stringify(conditions),
          actions: JSON.stringify(
            w.actions.map((a) => ({
              ...a,
              destination: a.destination ?? null,
              buildDistributionAudience: a.buildDistributionAudience ?? null,
              testConfiguration: a.testConfiguration ?? null,
              scheme: a.scheme ?? null,
              platform: a.platform ?? null,
              isRequiredToPass: a.isRequiredToPass ?? true,
            })),
          ),
          xcode_version_id: null,
          macos_version_id: null,
        },
        digestOf({ workflow: w, repository: url }),
      );
    }
  }
}

/** Digest of a file entry: the file wins over API edits again only when this changes. */
function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
