import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  detectToolchain,
  parseSwVers,
  parseXcodeVersion,
} from '../../../src/engine/toolchain/detect-toolchain.ts';

const standIns = fileURLToPath(new URL('../../fixtures/xcodebuild', import.meta.url));

describe('detectToolchain', () => {
  test('reads the xcodebuild, simctl and sw_vers stand-ins into versions', async () => {
    const found = await detectToolchain({ PATH: `${standIns}:/usr/bin:/bin` });
    assert.deepEqual(found.macOs, { id: '24C101', name: 'macOS Sequoia 15.2 (24C101)' });
    assert.equal(found.xcode?.id, 'Xcode16C5032a:stable');
    assert.equal(found.xcode?.name, 'Xcode 16.2 (16C5032a)');
    // The unavailable iOS 17.5 runtime and the Apple TV with no runtime are left out.
    assert.deepEqual(found.xcode?.testDestinations, [
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
        deviceTypeName: 'iPad Air 11-inch (M2)',
        deviceTypeIdentifier: 'com.apple.CoreSimulator.SimDeviceType.iPad-Air-11-inch-M2',
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
        availableRuntimes: [
          { runtimeName: 'Same As Selected macOS', runtimeIdentifier: 'builder' },
        ],
        kind: 'MAC',
      },
    ]);
  });

  test('finds nothing on a machine without the tools', async () => {
    const found = await detectToolchain({ PATH: '/nonexistent' });
    assert.deepEqual(found, { xcode: null, macOs: null });
  });

  test('names macOS releases by their marketing name', () => {
    const swVers = (version: string, build: string) =>
      parseSwVers(`ProductName:\tmacOS\nProductVersion:\t${version}\nBuildVersion:\t${build}\n`);
    assert.equal(swVers('26.0.1', '25A362')?.name, 'macOS Tahoe 26.0.1 (25A362)');
    assert.equal(swVers('14.7', '23H124')?.name, 'macOS Sonoma 14.7 (23H124)');
    assert.equal(swVers('10.15.7', '19H2')?.name, 'macOS Catalina 10.15.7 (19H2)');
    assert.equal(swVers('99.1', '99A1')?.name, 'macOS 99.1 (99A1)');
    assert.equal(parseSwVers('garbage'), null);
    assert.equal(parseXcodeVersion('Xcode 26.0\nBuild version 17A324\n')?.id, 'Xcode17A324:stable');
  });
});
