import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionPaths } from '../../../src/engine/executor/action-paths.ts';
import { ciEnvironment } from '../../../src/engine/executor/ci-environment.ts';
import type { ActionPlan } from '../../../src/engine/executor/types.ts';
import type { XcodebuildAction } from '../../../src/engine/executor/xcodebuild-command.ts';
import { makePlan } from './harness.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const paths = actionPaths('/w');

function plan(overrides: Partial<Parameters<typeof makePlan>[0]> = {}): ActionPlan {
  return makePlan({
    url: '/src/FieldNotes',
    commit: COMMIT,
    workDir: '/w',
    baseEnv: { PATH: '/usr/bin:/bin', HOME: '/home/builder', CI: 'false' },
    ...overrides,
  });
}

function env(
  from: ActionPlan,
  xcodebuildAction: XcodebuildAction = 'build',
  xcodebuildExitCode: number | null = null,
) {
  return ciEnvironment({ plan: from, paths, xcodebuildAction, xcodebuildExitCode });
}

test('every always-set variable is there, on top of the base environment', () => {
  const vars = env(plan());
  const { CI_BRANCH, CI_GIT_REF, ...always } = vars;
  assert.deepEqual([CI_BRANCH, CI_GIT_REF], ['main', 'refs/heads/main']);
  assert.deepEqual(
    always,
    {
      PATH: '/usr/bin:/bin',
      HOME: '/home/builder',
      CI: 'TRUE',
      CI_XCODE_CLOUD: 'TRUE',
      CI_BUILD_ID: '6e2f7d0c-4a1b-4c3d-9e8f-0a1b2c3d4e5f',
      CI_BUILD_NUMBER: '42',
      CI_BUILD_URL: 'https://stratus.invalid/builds/6e2f7d0c-4a1b-4c3d-9e8f-0a1b2c3d4e5f',
      CI_BUNDLE_ID: 'com.example.fieldnotes',
      CI_COMMIT: COMMIT,
      CI_DERIVED_DATA_PATH: '/w/DerivedData',
      CI_PRIMARY_REPOSITORY_PATH: '/w/repository',
      CI_PRODUCT: 'FieldNotes',
      CI_PRODUCT_ID: 'b1c2d3e4-0000-4000-8000-000000000001',
      CI_PRODUCT_PLATFORM: 'iOS',
      CI_PROJECT_FILE_PATH: '/w/repository/FieldNotes.xcodeproj',
      CI_START_CONDITION: 'manual',
      CI_TEAM_ID: 'A1B2C3D4E5',
      CI_WORKFLOW: 'CI – main',
      CI_WORKFLOW_ID: 'a3946af0-cc38-4e0b-acba-5575c8dad050',
      CI_WORKSPACE: '/w',
      CI_WORKSPACE_PATH: '/w',
      CI_XCODE_PROJECT: 'FieldNotes.xcodeproj',
      CI_XCODE_SCHEME: 'FieldNotes',
      CI_XCODEBUILD_ACTION: 'build',
    },
  );
});

test('the exit code is only there once the tool has run', () => {
  assert.equal('CI_XCODEBUILD_EXIT_CODE' in env(plan()), false);
  assert.equal(env(plan(), 'build', 65).CI_XCODEBUILD_EXIT_CODE, '65');
  assert.equal(env(plan(), 'build', 0).CI_XCODEBUILD_EXIT_CODE, '0');
});

test('a branch build names the branch, a tag build the tag', () => {
  const branch = env(plan());
  assert.equal(branch.CI_BRANCH, 'main');
  assert.equal(branch.CI_GIT_REF, 'refs/heads/main');
  assert.equal('CI_TAG' in branch, false);

  const tag = env(
    plan({ repository: { ref: { kind: 'TAG', name: 'v1.2', canonicalName: 'refs/tags/v1.2' } } }),
  );
  assert.equal(tag.CI_TAG, 'v1.2');
  assert.equal(tag.CI_GIT_REF, 'refs/tags/v1.2');
  assert.equal('CI_BRANCH' in tag, false);
});

test('a pull request build has the pull request variables', () => {
  const vars = env(
    plan({
      run: { startCondition: 'pr_update' },
      repository: {
        ref: null,
        pullRequest: {
          number: 17,
          htmlUrl: null,
          sourceBranch: 'feature/login',
          sourceRepo: 'fieldnotes/app',
          targetBranch: 'main',
          targetCommit: 'fedcba9876543210fedcba9876543210fedcba98',
          targetRepo: 'fieldnotes/app',
        },
      },
    }),
  );
  assert.deepEqual(
    Object.fromEntries(Object.entries(vars).filter(([name]) => name.startsWith('CI_PULL_REQUEST'))),
    {
      CI_PULL_REQUEST_HTML_URL: '',
      CI_PULL_REQUEST_NUMBER: '17',
      CI_PULL_REQUEST_SOURCE_BRANCH: 'feature/login',
      CI_PULL_REQUEST_SOURCE_COMMIT: COMMIT,
      CI_PULL_REQUEST_SOURCE_REPO: 'fieldnotes/app',
      CI_PULL_REQUEST_TARGET_BRANCH: 'main',
      CI_PULL_REQUEST_TARGET_COMMIT: 'fedcba9876543210fedcba9876543210fedcba98',
      CI_PULL_REQUEST_TARGET_REPO: 'fieldnotes/app',
    },
  );
  assert.equal(vars.CI_START_CONDITION, 'pr_update');
  assert.equal(vars.CI_BRANCH, 'feature/login');
  assert.equal(vars.CI_GIT_REF, 'refs/heads/feature/login');
});

test('a test action has the test variables, for the runner too', () => {
  const testConfiguration = {
    kind: 'SPECIFIC_TEST_PLANS' as const,
    testPlanName: 'Smoke',
    testDestinations: [
      {
        deviceTypeName: 'iPhone 16',
        deviceTypeIdentifier: null,
        runtimeName: 'iOS 18.2',
        runtimeIdentifier: null,
        kind: 'SIMULATOR' as const,
      },
    ],
  };
  const testPlan = plan({ action: { actionType: 'TEST', testConfiguration } });
  const vars = env(testPlan, 'build-for-testing');
  assert.equal(vars.CI_RESULT_BUNDLE_PATH, '/w/resultbundle.xcresult');
  assert.equal(vars.CI_TEST_DESTINATION_DEVICE_TYPE, 'iPhone 16');
  assert.equal(vars.CI_TEST_DESTINATION_RUNTIME, 'iOS 18.2');
  assert.equal(vars.CI_TEST_PLAN, 'Smoke');
  assert.equal(vars.CI_TEST_PRODUCTS_PATH, '/w/DerivedData/Build/Products');
  assert.equal(vars.TEST_RUNNER_CI_TEST_PLAN, 'Smoke');
  assert.equal(vars.TEST_RUNNER_CI_COMMIT, COMMIT);
  assert.equal('CI_ARCHIVE_PATH' in vars, false);

  const schemeSettings = { ...testConfiguration, kind: 'USE_SCHEME_SETTINGS' as const };
  const withoutPlan = env(
    plan({ action: { actionType: 'TEST', testConfiguration: schemeSettings } }),
  );
  assert.equal('CI_TEST_PLAN' in withoutPlan, false);
  assert.equal('CI_RESULT_BUNDLE_PATH' in env(plan()), false);
});

test('an archive action has the archive and signed app paths', () => {
  const vars = env(plan({ action: { actionType: 'ARCHIVE' } }), 'archive');
  assert.equal(vars.CI_ARCHIVE_PATH, '/w/build.xcarchive');
  assert.equal(vars.CI_AD_HOC_SIGNED_APP_PATH, '/w/export/ad-hoc');
  assert.equal(vars.CI_APP_STORE_SIGNED_APP_PATH, '/w/export/app-store');
  assert.equal(vars.CI_DEVELOPMENT_SIGNED_APP_PATH, '/w/export/development');
  assert.equal(vars.CI_DEVELOPER_ID_SIGNED_APP_PATH, '/w/export/developer-id');
  assert.equal('TEST_RUNNER_CI' in vars, false);
});

test('the platform name follows the action, or its destination', () => {
  const platformOf = (action: Partial<ActionPlan['action']>) =>
    env(plan({ action })).CI_PRODUCT_PLATFORM;
  assert.equal(platformOf({ platform: 'MACOS' }), 'macOS');
  assert.equal(platformOf({ platform: 'TVOS' }), 'tvOS');
  assert.equal(platformOf({ platform: 'WATCHOS' }), 'watchOS');
  assert.equal(platformOf({ platform: 'VISIONOS' }), 'visionOS');
  assert.equal(platformOf({ platform: null, destination: 'ANY_MAC_CATALYST' }), 'macOS');
  assert.equal(platformOf({ platform: null, destination: 'ANY_WATCHOS_SIMULATOR' }), 'watchOS');
});

test('values the workflow leaves null are set, empty', () => {
  const vars = env(plan({ workflow: { containerFilePath: null }, action: { scheme: null } }));
  assert.equal(vars.CI_PROJECT_FILE_PATH, '');
  assert.equal(vars.CI_XCODE_PROJECT, '');
  assert.equal(vars.CI_XCODE_SCHEME, '');
});
