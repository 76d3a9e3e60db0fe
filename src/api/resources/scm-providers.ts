/** scmProviders: derived from the repositories' clone URLs (model/scm-provider.ts). */
import type { RepositoryRow } from '../../store/catalog-repository.ts';
import { providerOf, type ScmProvider } from '../../model/scm-provider.ts';
import type { ApiContext } from '../api-context.ts';
import { memoryPage } from '../jsonapi/memory-page.ts';
import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';

async function providers(ctx: ApiContext): Promise<Map<string, ScmProvider>> {
  const out = new Map<string, ScmProvider>();
  for (const repository of await ctx.store.catalog.allRepositories()) {
    const provider = providerOf(repository.url);
    if (provider) out.set(provider.id, provider);
  }
  return out;
}

export const scmProviders: ResourceDefinition<ScmProvider> = {
  type: 'scmProviders',
  load: async (ids, ctx) => {
    const all = await providers(ctx);
    return ids.flatMap((id) => all.get(id) ?? []);
  },
  id: (row) => row.id,
  attributes: (row) => ({
    scmProviderType: {
      kind: row.kind,
      displayName: row.displayName,
      isOnPremise: row.isOnPremise,
    },
    url: row.host,
  }),
  relations: {
    repositories: {
      kind: 'toMany',
      page: async (row, req, ctx) => {
        const ids = req.filters.get('id');
        const repositories = (await ctx.store.catalog.allRepositories()).filter(
          (r: RepositoryRow) => providerOf(r.url)?.id === row.id && (!ids || ids.includes(r.id)),
        );
        return memoryPage(repositories, req);
      },
    },
  },
  list: async (req, ctx) => memoryPage([...(await providers(ctx)).values()], req),
};
