/**
 * What Xcode and macOS a build machine has, as ciXcodeVersions and
 * ciMacOsVersions describe them: `xcodebuild -version` for Xcode,
 * `xcrun simctl list devicetypes runtimes -j` for its test destinations and
 * `sw_vers` for macOS. A machine without them (Linux) reports nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findExecutable } from '../executor/find-executable.ts';

const run = promisify(execFile);

export interface XcodeTestDestination {
  deviceTypeName: string;
  deviceTypeIdentifier: string;
  availableRuntimes: { runtimeName: string; runtimeIdentifier: string }[];
  kind: 'SIMULATOR' | 'MAC';
}

export interface DetectedToolchain {
  /** e.g. { id: 'Xcode16C5032a:stable', name: 'Xcode 16.2 (16C5032a)' } */
  xcode: { id: string; name: string; testDestinations: XcodeTestDestination[] } | null;
  /** e.g. { id: '24C101', name: 'macOS Sequoia 15.2 (24C101)' } */
  macOs: { id: string; name: string } | null;
}

/** Marketing names by major version; a version not listed is named "macOS <version>". */
const macOsNames: Record<string, string> = {
  '10.14': 'Mojave',
  '10.15': 'Catalina',
  '11': 'Big Sur',
  '12': 'Monterey',
  '13': 'Ventura',
  '14': 'Sonoma',
  '15': 'Sequoia',
  '26': 'Tahoe',
};

/**
 * Looks for the tools on `env.PATH` (the builds' PATH, where they will look).
 *
 * @example
 * const { xcode, macOs } = await detectToolchain({ PATH: process.env.PATH });
 */
export async function detectToolchain(env: Record<string, string>): Promise<DetectedToolchain> {
  const [xcodebuild, xcrun, swVers] = await Promise.all(
    ['xcodebuild', 'xcrun', 'sw_vers'].map((name) => findExecutable(name, env.PATH)),
  );
  const macOs = swVers ? parseSwVers(await output(swVers, [], env)) : null;
  const version = xcodebuild
    ? parseXcodeVersion(await output(xcodebuild, ['-version'], env))
    : null;
  if (!version) return { xcode: null, macOs };

  const simulators = xcrun
    ? parseSimctl(await output(xcrun, ['simctl', 'list', 'devicetypes', 'runtimes', '-j'], env))
    : [];
  return { xcode: { ...version, testDestinations: [...simulators, macDestination] }, macOs };
}

/**
 * Apple lists Mac tests with the runtime "builder": the macOS the build runs on.
 * The device type identifier is ours; Apple's documents do not show one.
 */
const macDestination: XcodeTestDestination = {
  deviceTypeName: 'Mac',
  deviceTypeIdentifier: 'mac',
  availableRuntimes: [{ runtimeName: 'Same As Selected macOS', runtimeIdentifier: 'builder' }],
  kind: 'MAC',
};

async function output(file: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout } = await run(file, args, { env, timeout: 60_000, maxBuffer: 16 << 20 });
    return stdout;
  } catch {
    // A tool that is present but fails (no licence accepted, no simulators) adds nothing.
    return '';
  }
}

export function parseXcodeVersion(text: string): { id: string; name: string } | null {
  const version = /^Xcode\s+(\S+)/m.exec(text)?.[1];
  const build = /^Build version\s+(\S+)/m.exec(text)?.[1];
  if (!version || !build) return null;
  return { id: `Xcode${build}:stable`, name: `Xcode ${version} (${build})` };
}

export function parseSwVers(text: string): { id: string; name: string } | null {
  const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(text)?.[1];
  const version = field('ProductVersion');
  const build = field('BuildVersion');
  if (!version || !build) return null;
  const [major, minor] = version.split('.');
  const marketing = macOsNames[`${major}.${minor}`] ?? macOsNames[major!];
  const name = marketing ? `macOS ${marketing} ${version}` : `macOS ${version}`;
  return { id: build, name: `${name} (${build})` };
}

/** Simulator device types with the available runtimes that support each. */
export function parseSimctl(text: string): XcodeTestDestination[] {
  let list: any;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  const runtimes: any[] = (list?.runtimes ?? []).filter((r: any) => r?.isAvailable !== false);
  const out: XcodeTestDestination[] = [];
  for (const type of list?.devicetypes ?? []) {
    if (typeof type?.name !== 'string' || typeof type?.identifier !== 'string') continue;
    const available = runtimes
      .filter((r) =>
        (r.supportedDeviceTypes ?? []).some((d: any) => d?.identifier === type.identifier),
      )
      .map((r) => ({ runtimeName: String(r.name), runtimeIdentifier: String(r.identifier) }));
    if (available.length === 0) continue;
    out.push({
      deviceTypeName: type.name,
      deviceTypeIdentifier: type.identifier,
      availableRuntimes: available,
      kind: 'SIMULATOR',
    });
  }
  return out;
}
