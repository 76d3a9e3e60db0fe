/**
 * The environment Xcode Cloud gives ci_scripts and the build tool, from
 * Apple's environment variable reference. Pure: the same plan always gives
 * the same variables.
 */
import { join } from 'node:path';
import type { Platform } from '../../model/workflow.ts';
import type { ActionPaths } from './action-paths.ts';
import type { ActionPlan } from './types.ts';
import type { XcodebuildAction } from './xcodebuild-command.ts';

export interface CiEnvironmentConfig {
  /** The plan as data; its signal is not looked at. */
  plan: Omit<ActionPlan, 'signal'>;
  paths: ActionPaths;
  /** The tool run this environment is for (the first one, for ci_post_clone.sh). */
  xcodebuildAction: XcodebuildAction;
  /** Set once the tool has run, for ci_post_xcodebuild.sh. */
  xcodebuildExitCode: number | null;
}

const PLATFORM_NAMES: Record<Platform, string> = {
  IOS: 'iOS',
  MACOS: 'macOS',
  TVOS: 'tvOS',
  WATCHOS: 'watchOS',
  VISIONOS: 'visionOS',
};

/**
 * `plan.baseEnv` with every CI_* variable that applies to this action on top.
 * Values the workflow leaves null become empty strings: Apple documents these
 * variables as always set, and scripts run with `set -u` rely on that.
 *
 * @example
 * ciEnvironment({ plan, paths, xcodebuildAction: 'build', xcodebuildExitCode: null }).CI_COMMIT
 */
export function ciEnvironment(config: CiEnvironmentConfig): Record<string, string> {
  const ci: Record<string, string> = {
    ...alwaysSet(config),
    ...gitReference(config.plan),
    ...pullRequest(config.plan),
    ...testAction(config),
    ...archiveAction(config),
  };
  if (config.xcodebuildExitCode !== null) {
    ci.CI_XCODEBUILD_EXIT_CODE = String(config.xcodebuildExitCode);
  }

  // xcodebuild hands TEST_RUNNER_-prefixed variables, without the prefix, to
  // the test runner; Xcode Cloud exposes its variables to tests this way.
  if (config.plan.action.actionType === 'TEST') {
    for (const [name, value] of Object.entries(ci)) ci[`TEST_RUNNER_${name}`] = value;
  }
  return { ...config.plan.baseEnv, ...ci };
}

function alwaysSet({ plan, paths, xcodebuildAction }: CiEnvironmentConfig): Record<string, string> {
  const container = plan.workflow.containerFilePath ?? '';
  return {
    CI: 'TRUE',
    CI_XCODE_CLOUD: 'TRUE',
    CI_BUILD_ID: plan.run.id,
    CI_BUILD_NUMBER: String(plan.run.number),
    CI_BUILD_URL: plan.run.url,
    CI_BUNDLE_ID: plan.product.bundleId ?? '',
    CI_COMMIT: plan.repository.commitSha,
    CI_DERIVED_DATA_PATH: paths.derivedData,
    CI_PRIMARY_REPOSITORY_PATH: paths.repository,
    CI_PRODUCT: plan.product.name,
    CI_PRODUCT_ID: plan.product.id,
    CI_PRODUCT_PLATFORM: productPlatform(plan.action),
    CI_PROJECT_FILE_PATH: container === '' ? '' : join(paths.repository, container),
    CI_START_CONDITION: plan.run.startCondition,
    CI_TEAM_ID: plan.product.teamId,
    CI_WORKFLOW: plan.workflow.name,
    CI_WORKFLOW_ID: plan.workflow.id,
    // CI_WORKSPACE is gone from Apple's current reference but many scripts still read it.
    CI_WORKSPACE: paths.workspace,
    CI_WORKSPACE_PATH: paths.workspace,
    CI_XCODE_PROJECT: container,
    CI_XCODE_SCHEME: plan.action.scheme ?? '',
    CI_XCODEBUILD_ACTION: xcodebuildAction,
  };
}

function productPlatform(action: ActionPlan['action']): string {
  if (action.platform !== null) return PLATFORM_NAMES[action.platform];
  const destination = action.destination ?? '';
  if (destination.startsWith('ANY_MAC')) return PLATFORM_NAMES.MACOS;
  if (destination.startsWith('ANY_IOS')) return PLATFORM_NAMES.IOS;
  if (destination.startsWith('ANY_TVOS')) return PLATFORM_NAMES.TVOS;
  if (destination.startsWith('ANY_WATCHOS')) return PLATFORM_NAMES.WATCHOS;
  if (destination.startsWith('ANY_VISIONOS')) return PLATFORM_NAMES.VISIONOS;
  return '';
}

function gitReference(plan: CiEnvironmentConfig['plan']): Record<string, string> {
  const { ref, pullRequest } = plan.repository;
  if (ref !== null) {
    const name = ref.kind === 'TAG' ? 'CI_TAG' : 'CI_BRANCH';
    return { [name]: ref.name, CI_GIT_REF: ref.canonicalName };
  }
  // A pull request build without a resolved reference still builds its source branch.
  if (pullRequest !== null) {
    return {
      CI_BRANCH: pullRequest.sourceBranch,
      CI_GIT_REF: `refs/heads/${pullRequest.sourceBranch}`,
    };
  }
  return {};
}

function pullRequest(plan: CiEnvironmentConfig['plan']): Record<string, string> {
  const pr = plan.repository.pullRequest;
  if (pr === null) return {};
  return {
    CI_PULL_REQUEST_HTML_URL: pr.htmlUrl ?? '',
    CI_PULL_REQUEST_NUMBER: String(pr.number),
    CI_PULL_REQUEST_SOURCE_BRANCH: pr.sourceBranch,
    CI_PULL_REQUEST_SOURCE_COMMIT: plan.repository.commitSha,
    CI_PULL_REQUEST_SOURCE_REPO: pr.sourceRepo,
    CI_PULL_REQUEST_TARGET_BRANCH: pr.targetBranch,
    CI_PULL_REQUEST_TARGET_COMMIT: pr.targetCommit,
    CI_PULL_REQUEST_TARGET_REPO: pr.targetRepo,
  };
}

function testAction({ plan, paths }: CiEnvironmentConfig): Record<string, string> {
  if (plan.action.actionType !== 'TEST') return {};
  const config = plan.action.testConfiguration;
  // One action covers every destination; the first one stands for them all.
  const destination = config?.testDestinations?.[0] ?? null;
  const variables: Record<string, string> = {
    CI_RESULT_BUNDLE_PATH: paths.resultBundle,
    CI_TEST_DESTINATION_DEVICE_TYPE: destination?.deviceTypeName ?? '',
    CI_TEST_DESTINATION_RUNTIME: destination?.runtimeName ?? '',
    CI_TEST_PRODUCTS_PATH: paths.testProducts,
  };
  if (config?.kind === 'SPECIFIC_TEST_PLANS' && config.testPlanName) {
    variables.CI_TEST_PLAN = config.testPlanName;
  }
  return variables;
}

function archiveAction({ plan, paths }: CiEnvironmentConfig): Record<string, string> {
  if (plan.action.actionType !== 'ARCHIVE') return {};
  return {
    CI_ARCHIVE_PATH: paths.archive,
    CI_AD_HOC_SIGNED_APP_PATH: paths.signedApps.adHoc,
    CI_APP_STORE_SIGNED_APP_PATH: paths.signedApps.appStore,
    CI_DEVELOPMENT_SIGNED_APP_PATH: paths.signedApps.development,
    CI_DEVELOPER_ID_SIGNED_APP_PATH: paths.signedApps.developerId,
  };
}
