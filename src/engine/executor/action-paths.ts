import { join } from 'node:path';

/**
 * Where everything of one action lives inside its work folder, laid out
 * like Xcode Cloud's `/Volumes/workspace` so that scripts written for it
 * find what they expect relative to `CI_WORKSPACE_PATH`.
 */
export interface ActionPaths {
  workspace: string;
  repository: string;
  derivedData: string;
  resultBundle: string;
  /** Where build-for-testing leaves the .xctestrun file and the test bundles. */
  testProducts: string;
  archive: string;
  signedApps: { adHoc: string; appStore: string; development: string; developerId: string };
  /** Zipped artifacts handed to the engine; nothing else in the work folder outlives the action. */
  artifacts: string;
}

export function actionPaths(workDir: string): ActionPaths {
  const derivedData = join(workDir, 'DerivedData');
  const exports = join(workDir, 'export');
  return {
    workspace: workDir,
    repository: join(workDir, 'repository'),
    derivedData,
    resultBundle: join(workDir, 'resultbundle.xcresult'),
    testProducts: join(derivedData, 'Build', 'Products'),
    archive: join(workDir, 'build.xcarchive'),
    signedApps: {
      adHoc: join(exports, 'ad-hoc'),
      appStore: join(exports, 'app-store'),
      development: join(exports, 'development'),
      developerId: join(exports, 'developer-id'),
    },
    artifacts: join(workDir, 'artifacts'),
  };
}
