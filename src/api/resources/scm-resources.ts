/** Source control: repositories and their git references. */
import type { GitReferenceRow, RepositoryRow } from '../../store/catalog-repository.ts';
import { providerOf } from '../../model/scm-provider.ts';
import { emptyPage, type ResourceDefinition } from '../jsonapi/resource-definition.ts';

export const scmRepositories: ResourceDefinition<RepositoryRow> = {
  type: 'scmRepositories',
  load: (ids, ctx) => ctx.store.catalog.repositories(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    lastAccessedDate: row.last_accessed_date,
    httpCloneUrl: row.http_clone_url,
    sshCloneUrl: row.ssh_clone_url,
    ownerName: row.owner_name,
    repositoryName: row.repository_name,
  }),
  relations: {
    // Read from the clone URL; local paths and unknown hosts have none.
    scmProvider: { kind: 'toOne', id: (row) => providerOf(row.url)?.id ?? null },
    defaultBranch: {
      kind: 'toOne',
      id: async (row, ctx) => {
        if (!row.default_branch) return null;
        const ref = await ctx.store.catalog.referenceByName(
          row.id,
          `refs/heads/${row.default_branch}`,
        );
        return ref?.id ?? null;
      },
    },
    gitReferences: {
      kind: 'toMany',
      page: async (row, req, ctx) => {
        // Branches and tags are read from the repository itself on every request.
        ctx.readBeyondStore = true;
        await ctx.engine.refreshReferences(row);
        return ctx.store.catalog.listReferences(row.id, req);
      },
    },
    // Pull requests exist only in a provider's API, which Stratus does not connect to
    // (repositories are cloned from paths and URLs); git itself has no pull requests,
    // so the list is empty rather than made up.
    pullRequests: { kind: 'toMany', page: () => emptyPage() },
  },
  list: (req, ctx) => ctx.store.catalog.listRepositories({ ids: req.filters.get('id') }, req),
};

export const scmGitReferences: ResourceDefinition<GitReferenceRow> = {
  type: 'scmGitReferences',
  load: (ids, ctx) => ctx.store.catalog.gitReferences(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    name: row.name,
    canonicalName: row.canonical_name,
    isDeleted: row.is_deleted === 1,
    kind: row.kind,
  }),
  relations: {
    repository: { kind: 'toOne', id: (row) => row.repository_id },
  },
};
