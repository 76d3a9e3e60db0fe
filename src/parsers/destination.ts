import { createHash } from 'node:crypto';

export interface Destination {
  deviceName: string;
  osVersion: string;
}

// Fixed namespace for name-based destination ids (RFC 4122 version 5), so the
// same device name and OS give the same uuid in every run and on every runner.
const NAMESPACE = Buffer.from('6f1d2c8e4b7a4e0f9a3c5d2e7b8f1a60', 'hex');

/** The stable uuid of a destination, derived from its device name and OS version. */
export function destinationUuid(destination: Destination): string {
  const bytes = createHash('sha1')
    .update(NAMESPACE)
    .update(`${destination.deviceName}\n${destination.osVersion}`, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;

  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

/**
 * The device behind a destination as xcodebuild prints it in test lines, e.g.
 * `Clone 2 of iPhone 16 Pro - MyAppUITests-Runner (41235)`: parallel clones are
 * the same destination, and the process and pid after ` - ` are not part of it.
 * A trailing `(18.2)` is taken as the OS version.
 */
export function parseDestination(printed: string): Destination {
  let name = printed.trim().replace(/^Clone \d+ of /, '');

  const process = /^(.*) - .+ \(\d+\)$/.exec(name);
  if (process !== null) name = process[1]!;

  const os = /^(.*) \((\d+(?:\.\d+)+)\)$/.exec(name);
  if (os !== null) return { deviceName: os[1]!, osVersion: os[2]! };

  return { deviceName: name, osVersion: '' };
}

/**
 * The destination an xcodebuild `-destination` specifier names, e.g.
 * `platform=iOS Simulator,name=iPhone 16,OS=18.2`, or undefined when it names
 * none by name (only an id, say).
 */
export function parseDestinationSpecifier(specifier: string): Destination | undefined {
  const fields = new Map<string, string>();
  for (const pair of specifier.split(',')) {
    const equals = pair.indexOf('=');
    if (equals > 0) fields.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
  }

  const os = fields.get('OS');
  const osVersion = os === undefined || os === 'latest' ? '' : os;
  const name = fields.get('name');
  if (name !== undefined && name !== '') return { deviceName: name, osVersion };

  const platform = fields.get('platform') ?? '';
  if (/^macOS\b/.test(platform)) return { deviceName: 'My Mac', osVersion };

  return undefined;
}
