/**
 * Composes the xcodebuild invocations for one workflow action, the way
 * Xcode Cloud drives Xcode: one tool run per action, except TEST, which
 * builds once for testing and then runs the tests against those products.
 *
 * Pure: no file system, no processes. Arguments are returned as an argv
 * array, so nothing here needs shell quoting.
 */
import { join } from 'node:path';
import type {
  ActionType,
  CiAction,
  Destination,
  Platform,
  TestDestination,
} from '../../model/workflow.ts';

/** The values Xcode Cloud puts in CI_XCODEBUILD_ACTION. */
export type XcodebuildAction =
  'analyze' | 'archive' | 'build' | 'build-for-testing' | 'test-without-building';

export interface XcodebuildInvocation {
  xcodebuildAction: XcodebuildAction;
  /** Arguments after `xcodebuild`. */
  args: string[];
}

export interface XcodebuildCommandConfig {
  action: CiAction;
  /** Absolute path of the cloned repository. */
  repository: string;
  /** Project or workspace, relative to the repository, as the workflow names it. */
  containerFilePath: string | null;
  derivedData: string;
  resultBundle: string;
  archive: string;
}

const ACTIONS: Record<ActionType, XcodebuildAction[]> = {
  ANALYZE: ['analyze'],
  BUILD: ['build'],
  ARCHIVE: ['archive'],
  TEST: ['build-for-testing', 'test-without-building'],
};

/** The xcodebuild actions an action type runs, in order. */
export function xcodebuildActionsFor(actionType: ActionType): XcodebuildAction[] {
  return ACTIONS[actionType];
}

const DESTINATIONS: Record<Destination, string> = {
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

// Apple's archive actions come with a null destination; the platform then
// decides, and an archive is always for devices.
const DEVICE_DESTINATIONS: Record<Platform, Destination> = {
  IOS: 'ANY_IOS_DEVICE',
  MACOS: 'ANY_MAC',
  TVOS: 'ANY_TVOS_DEVICE',
  WATCHOS: 'ANY_WATCHOS_DEVICE',
  VISIONOS: 'ANY_VISIONOS_DEVICE',
};

const SIMULATOR_PLATFORMS: Record<Platform, string> = {
  IOS: 'iOS Simulator',
  MACOS: 'macOS',
  TVOS: 'tvOS Simulator',
  WATCHOS: 'watchOS Simulator',
  VISIONOS: 'visionOS Simulator',
};

/**
 * @example
 * composeXcodebuild({ action, repository: '/w/repository', containerFilePath: 'App.xcodeproj',
 *   derivedData: '/w/DerivedData', resultBundle: '/w/r.xcresult', archive: '/w/b.xcarchive' })
 * // → [{ xcodebuildAction: 'build', args: ['build', '-project', '/w/repository/App.xcodeproj',
 * //      '-scheme', 'App', '-destination', 'generic/platform=iOS', '-derivedDataPath', ...] }]
 */
export function composeXcodebuild(config: XcodebuildCommandConfig): XcodebuildInvocation[] {
  const { action } = config;
  if (action.actionType === null) throw new Error('the action has no actionType');
  if (action.scheme === null || action.scheme === '') throw new Error('the action has no scheme');

  const common = [...containerArgs(config), '-scheme', action.scheme];
  const destinations = destinationArgs(action);
  const testPlan = testPlanArgs(action);
  const derivedData = ['-derivedDataPath', config.derivedData];

  return xcodebuildActionsFor(action.actionType).map((xcodebuildAction) => {
    const args = [xcodebuildAction, ...common, ...destinations];
    if (action.actionType === 'TEST') args.push(...testPlan);
    args.push(...derivedData);
    // Only the run that executes the tests writes the result bundle:
    // xcodebuild refuses a -resultBundlePath that already exists.
    if (xcodebuildAction === 'test-without-building') {
      args.push('-resultBundlePath', config.resultBundle);
    }
    if (xcodebuildAction === 'archive') args.push('-archivePath', config.archive);
    return { xcodebuildAction, args };
  });
}

function containerArgs(config: XcodebuildCommandConfig): string[] {
  const container = config.containerFilePath;
  if (container === null || container === '') return [];
  const path = join(config.repository, container);
  if (container.endsWith('.xcworkspace')) return ['-workspace', path];
  if (container.endsWith('.xcodeproj')) return ['-project', path];
  // A Swift package (Package.swift) is found by xcodebuild in its working
  // folder, which the caller sets to the container's folder.
  return [];
}

function destinationArgs(action: CiAction): string[] {
  const tests = action.testConfiguration?.testDestinations ?? [];
  if (action.actionType === 'TEST' && tests.length > 0) {
    return tests.flatMap((test) => ['-destination', testDestination(test, action)]);
  }
  const destination =
    action.destination ?? (action.platform === null ? null : DEVICE_DESTINATIONS[action.platform]);
  return destination === null ? [] : ['-destination', DESTINATIONS[destination]];
}

function testDestination(test: TestDestination, action: CiAction): string {
  if (test.kind === 'MAC') {
    return action.destination === 'ANY_MAC_CATALYST'
      ? DESTINATIONS.ANY_MAC_CATALYST
      : DESTINATIONS.ANY_MAC;
  }
  const parts = [`platform=${SIMULATOR_PLATFORMS[action.platform ?? 'IOS']}`];
  if (test.deviceTypeName) parts.push(`name=${test.deviceTypeName}`);
  // Apple names runtimes like "iOS 18.2"; xcodebuild wants the bare version.
  const version = test.runtimeName?.match(/\d+(?:\.\d+)*/)?.[0];
  if (version !== undefined) parts.push(`OS=${version}`);
  return parts.join(',');
}

function testPlanArgs(action: CiAction): string[] {
  const config = action.testConfiguration;
  if (config?.kind !== 'SPECIFIC_TEST_PLANS' || !config.testPlanName) return [];
  return ['-testPlan', config.testPlanName];
}
