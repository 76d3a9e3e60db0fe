/**
 * What a Mac runner reports (there is no Mac here): recorded through the store
 * as the engine records a runner's detected toolchain, so that ciXcodeVersions
 * and ciMacOsVersions have records to read and workflows have versions to name.
 */
import type { DetectedToolchain } from '../../../src/engine/toolchain/detect-toolchain.ts';
import type { Harness } from '../../support/harness.ts';

export const macToolchain: DetectedToolchain = {
  xcode: {
    id: 'Xcode16C5032a:stable',
    name: 'Xcode 16.2 (16C5032a)',
    testDestinations: [
      {
        deviceTypeName: 'iPhone 16',
        deviceTypeIdentifier: 'com.apple.CoreSimulator.SimDeviceType.iPhone-16',
        availableRuntimes: [
          {
            runtimeName: 'iOS 18.2',
            runtimeIdentifier: 'com.apple.CoreSimulator.SimRuntime.iOS-18-2',
          },
        ],
        kind: 'SIMULATOR',
      },
      {
        deviceTypeName: 'Mac',
        deviceTypeIdentifier: 'mac',
        availableRuntimes: [{ runtimeName: 'macOS 15.2', runtimeIdentifier: 'macos-15-2' }],
        kind: 'MAC',
      },
    ],
  },
  macOs: { id: '24C101', name: 'macOS Sequoia 15.2 (24C101)' },
};

export function reportMacRunner(h: Harness): Promise<void> {
  return h.stratus.store.toolchain.report({ id: 'mac-mini-1', name: 'Mac mini' }, macToolchain);
}
