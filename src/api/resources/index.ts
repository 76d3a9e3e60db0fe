import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';
import { ciProducts } from './ci-products.ts';
import { ciWorkflows } from './ci-workflows.ts';
import { ciBuildRuns } from './ci-build-runs.ts';
import { ciBuildActions } from './ci-build-actions.ts';
import { ciArtifacts, ciIssues, ciTestResults } from './ci-action-records.ts';
import { scmGitReferences, scmRepositories } from './scm-resources.ts';
import { scmProviders } from './scm-providers.ts';
import { ciMacOsVersions, ciXcodeVersions } from './ci-toolchain-versions.ts';
import { apps, builds } from './app-store-resources.ts';
import { bundleIds, scmPullRequests } from './unserved-types.ts';

export const definitions: ReadonlyMap<string, ResourceDefinition> = new Map(
  [
    ciProducts,
    ciWorkflows,
    ciBuildRuns,
    ciBuildActions,
    ciArtifacts,
    ciIssues,
    ciTestResults,
    scmRepositories,
    scmGitReferences,
    scmProviders,
    scmPullRequests,
    ciXcodeVersions,
    ciMacOsVersions,
    builds,
    apps,
    bundleIds,
  ].map((d) => [d.type, d as ResourceDefinition]),
);
