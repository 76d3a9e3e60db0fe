/**
 * Types the contract links to that this server keeps no records of: pull
 * requests (they exist only in a provider's API, which Stratus does not
 * connect to) and App Store bundle ids (Apple's ids for registered bundle
 * identifiers). Lists are empty; reading one by id is a 404.
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

export const scmPullRequests = noRecords('scmPullRequests', {
  repository: { kind: 'toOne', id: () => null },
});
export const bundleIds = noRecords('bundleIds');
