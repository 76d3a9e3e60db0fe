import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  composeXcodebuild,
  type XcodebuildCommandConfig,
} from '../../../src/engine/executor/xcodebuild-command.ts';
import type { CiAction, Destination } from '../../../src/model/workflow.ts';

const PATHS = {
  repository: '/w/repository',
  derivedData: '/w/DerivedData',
  resultBundle: '/w/resultbundle.xcresult',
  archive: '/w/build.xcarchive',
};

function action(overrides: Partial<CiAction>): CiAction {
  return {
    name: 'Build',
    actionType: 'BUILD',
    destination: 'ANY_IOS_DEVICE',
    buildDistributionAudience: null,
    testConfiguration: null,
    scheme: 'FieldNotes',
    platform: 'IOS',
    isRequiredToPass: true,
    ...overrides,
  };
}

function compose(overrides: Partial<CiAction>, config: Partial<XcodebuildCommandConfig> = {}) {
  return composeXcodebuild({
    action: action(overrides),
    containerFilePath: 'FieldNotes.xcodeproj',
    ...PATHS,
    ...config,
  });
}

test('BUILD is one build of the project for the action destination', () => {
  assert.deepEqual(compose({}), [
    {
      xcodebuildAction: 'build',
      args: [
        'build',
        '-project', '/w/repository/FieldNotes.xcodeproj',
        '-scheme', 'FieldNotes',
        '-destination', 'generic/platform=iOS',
        '-derivedDataPath', '/w/DerivedData',
      ],
    },
  ]);
});

test('a workspace is passed with -workspace, from a folder of the repository', () => {
  const [build] = compose({}, { containerFilePath: 'apps/FieldNotes.xcworkspace' });
  assert.deepEqual(build?.args.slice(0, 3), [
    'build',
    '-workspace',
    '/w/repository/apps/FieldNotes.xcworkspace',
  ]);
});

test('a Swift package or no container at all names no project', () => {
  for (const containerFilePath of ['Package.swift', null]) {
    const [build] = compose({}, { containerFilePath });
    assert.deepEqual(build?.args.slice(0, 3), ['build', '-scheme', 'FieldNotes']);
  }
});

test('ANALYZE and ARCHIVE map to their xcodebuild actions', () => {
  assert.deepEqual(compose({ actionType: 'ANALYZE', destination: 'ANY_IOS_SIMULATOR' }), [
    {
      xcodebuildAction: 'analyze',
      args: [
        'analyze',
        '-project', '/w/repository/FieldNotes.xcodeproj',
        '-scheme', 'FieldNotes',
        '-destination', 'generic/platform=iOS Simulator',
        '-derivedDataPath', '/w/DerivedData',
      ],
    },
  ]);
  assert.deepEqual(compose({ actionType: 'ARCHIVE', destination: null }), [
    {
      xcodebuildAction: 'archive',
      args: [
        'archive',
        '-project', '/w/repository/FieldNotes.xcodeproj',
        '-scheme', 'FieldNotes',
        '-destination', 'generic/platform=iOS',
        '-derivedDataPath', '/w/DerivedData',
        '-archivePath', '/w/build.xcarchive',
      ],
    },
  ]);
});

test('every destination has its xcodebuild destination specifier', () => {
  const expected: Record<Destination, string> = {
    ANY_IOS_DEVICE: 'generic/platform=iOS',
    ANY_IOS_SIMULATOR: 'generic/platform=iOS Simulator',
    ANY_TVOS_DEVICE: 'generic/platform=tvOS',
    ANY_TVOS_SIMULATOR: 'generic/platform=tvOS Simulator',
    ANY_WATCHOS_DEVICE: 'generic/platform=watchOS',
    ANY_WATCHOS_SIMULATOR: 'generic/platform=watchOS Simulator',
    ANY_VISIONOS_DEVICE: 'generic/platform=visionOS',
    ANY_VISIONOS_SIMULATOR: 'generic/platform=visionOS Simulator',
    ANY_MAC: 'platform=macOS',
    ANY_MAC_CATALYST: 'platform=macOS,variant=Mac Catalyst',
  };
  for (const [destination, specifier] of Object.entries(expected)) {
    const [build] = compose({ destination: destination as Destination });
    const at = build?.args.indexOf('-destination') ?? -1;
    assert.equal(build?.args[at + 1], specifier, destination);
  }
});

test('without a destination the platform decides, for devices', () => {
  const [mac] = compose({ actionType: 'ARCHIVE', destination: null, platform: 'MACOS' });
  assert.ok(mac?.args.join(' ').includes('-destination platform=macOS -derivedDataPath'));
  const [none] = compose({ destination: null, platform: null });
  assert.equal(none?.args.includes('-destination'), false);
});

test('TEST builds for testing, then tests without building, into the result bundle', () => {
  const invocations = compose({
    actionType: 'TEST',
    destination: 'ANY_IOS_SIMULATOR',
    testConfiguration: {
      kind: 'SPECIFIC_TEST_PLANS',
      testPlanName: 'Smoke',
      testDestinations: [
        {
          deviceTypeName: 'iPhone 16',
          deviceTypeIdentifier: 'com.apple.CoreSimulator.SimDeviceType.iPhone-16',
          runtimeName: 'iOS 18.2',
          runtimeIdentifier: 'com.apple.CoreSimulator.SimRuntime.iOS-18-2',
          kind: 'SIMULATOR',
        },
        {
          deviceTypeName: 'iPad Air 11-inch (M2)',
          deviceTypeIdentifier: null,
          runtimeName: 'iOS 17.5',
          runtimeIdentifier: null,
          kind: 'SIMULATOR',
        },
      ],
    },
  });
  const shared = [
    '-project', '/w/repository/FieldNotes.xcodeproj',
    '-scheme', 'FieldNotes',
    '-destination', 'platform=iOS Simulator,name=iPhone 16,OS=18.2',
    '-destination', 'platform=iOS Simulator,name=iPad Air 11-inch (M2),OS=17.5',
    '-testPlan', 'Smoke',
    '-derivedDataPath', '/w/DerivedData',
  ];
  assert.deepEqual(invocations, [
    { xcodebuildAction: 'build-for-testing', args: ['build-for-testing', ...shared] },
    {
      xcodebuildAction: 'test-without-building',
      args: ['test-without-building', ...shared, '-resultBundlePath', '/w/resultbundle.xcresult'],
    },
  ]);
});

test('scheme settings name no test plan, and fall back to the action destination', () => {
  const invocations = compose({
    actionType: 'TEST',
    destination: 'ANY_IOS_SIMULATOR',
    testConfiguration: {
      kind: 'USE_SCHEME_SETTINGS',
      testPlanName: 'Ignored',
      testDestinations: [],
    },
  });
  for (const { args } of invocations) {
    assert.equal(args.includes('-testPlan'), false);
    assert.equal(args[args.indexOf('-destination') + 1], 'generic/platform=iOS Simulator');
  }
});

test('test destinations follow the platform, and Mac destinations have no simulator', () => {
  const destination = (platform: CiAction['platform'], kind: 'SIMULATOR' | 'MAC') => {
    const [build] = compose({
      actionType: 'TEST',
      platform,
      destination: platform === 'MACOS' ? 'ANY_MAC' : 'ANY_TVOS_SIMULATOR',
      testConfiguration: {
        kind: 'USE_SCHEME_SETTINGS',
        testPlanName: null,
        testDestinations: [
          {
            deviceTypeName: 'Apple TV 4K (3rd generation)',
            deviceTypeIdentifier: null,
            runtimeName: kind === 'MAC' ? 'Same As Selected macOS Version' : 'tvOS 18.2',
            runtimeIdentifier: null,
            kind,
          },
        ],
      },
    });
    return build?.args[(build?.args.indexOf('-destination') ?? 0) + 1];
  };
  assert.equal(
    destination('TVOS', 'SIMULATOR'),
    'platform=tvOS Simulator,name=Apple TV 4K (3rd generation),OS=18.2',
  );
  assert.equal(destination('MACOS', 'MAC'), 'platform=macOS');
});

test('an action without a scheme or a type cannot be composed', () => {
  assert.throws(() => compose({ scheme: null }), /no scheme/);
  assert.throws(() => compose({ actionType: null }), /no actionType/);
});
