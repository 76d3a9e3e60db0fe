/** Workflow shapes, after `CiWorkflow` and `CiAction` in Apple's contract. */

export type ActionType = 'ANALYZE' | 'BUILD' | 'TEST' | 'ARCHIVE';
export type Platform = 'MACOS' | 'IOS' | 'TVOS' | 'WATCHOS' | 'VISIONOS';
export type Destination =
  | 'ANY_IOS_DEVICE'
  | 'ANY_IOS_SIMULATOR'
  | 'ANY_TVOS_DEVICE'
  | 'ANY_TVOS_SIMULATOR'
  | 'ANY_WATCHOS_DEVICE'
  | 'ANY_WATCHOS_SIMULATOR'
  | 'ANY_MAC'
  | 'ANY_MAC_CATALYST'
  | 'ANY_VISIONOS_DEVICE'
  | 'ANY_VISIONOS_SIMULATOR';

export interface TestDestination {
  deviceTypeName: string | null;
  deviceTypeIdentifier: string | null;
  runtimeName: string | null;
  runtimeIdentifier: string | null;
  kind: 'SIMULATOR' | 'MAC' | null;
}

export interface TestConfiguration {
  kind: 'USE_SCHEME_SETTINGS' | 'SPECIFIC_TEST_PLANS' | null;
  testPlanName: string | null;
  testDestinations: TestDestination[] | null;
}

/** A CiAction as the API serves it. */
export interface CiAction {
  name: string | null;
  actionType: ActionType | null;
  destination: Destination | null;
  buildDistributionAudience: 'INTERNAL_ONLY' | 'APP_STORE_ELIGIBLE' | null;
  testConfiguration: TestConfiguration | null;
  scheme: string | null;
  platform: Platform | null;
  isRequiredToPass: boolean | null;
}

/** A CiAction plus the Stratus-only settings that never appear in API responses. */
export interface WorkflowAction extends CiAction {
  /** Shell command run instead of the composed xcodebuild invocation. */
  command?: string;
  /** Glob, relative to the repository, of JUnit XML reports to read after the action. */
  testReports?: string;
  /** Minutes the action may run before it is stopped and ends ERRORED. */
  timeoutMinutes?: number;
}
