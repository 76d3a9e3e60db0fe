/**
 * Types the contract links to that this server keeps no records of yet:
 * providers and pull requests (local repositories have no provider API),
 * Xcode and macOS versions (runners do not report them yet), and App Store
 * apps, builds and bundle ids. Lists are empty; reading one by id is a 404.
 */
import { emptyPage, type ResourceDefinition } from '../jsonapi/resource-definition.ts';

function noRecords(
  type: string,
  relations: ResourceDefinition['relations'] = {},
): ResourceDefinition {
  return {
    type,
    load: () => Promise.resolve([]),
    id: (row: { id: string }) => row.id,
    attributes: () => ({}),
    relations,
    list: () => emptyPage(),
  };
}

export const scmProviders = noRecords('scmProviders', {
  repositories: { kind: 'toMany', page: () => emptyPage() },
});
export const scmPullRequests = noRecords('scmPullRequests', {
  repository: { kind: 'toOne', id: () => null },
});
export const ciXcodeVersions = noRecords('ciXcodeVersions', {
  macOsVersions: { kind: 'toMany', page: () => emptyPage() },
});
export const ciMacOsVersions = noRecords('ciMacOsVersions', {
  xcodeVersions: { kind: 'toMany', page: () => emptyPage() },
});
export const builds = noRecords('builds');
export const apps = noRecords('apps', { ciProduct: { kind: 'toOne', id: () => null } });
export const bundleIds = noRecords('bundleIds');
