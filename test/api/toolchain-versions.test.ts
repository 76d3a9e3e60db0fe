import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from '../support/harness.ts';

const standIns = fileURLToPath(new URL('../fixtures/xcodebuild', import.meta.url));
const XCODE = 'Xcode16C5032a:stable';

describe('ciXcodeVersions and ciMacOsVersions from what runners report (stand-in tools)', () => {
  let h: Harness;
  const path = process.env.PATH;

  before(async () => {
    // The local runner looks for the tools on the builds' PATH when the server starts.
    process.env.PATH = `${standIns}:${path}`;
    h = await startHarness({ runners: 1 });
  });
  after(async () => {
    process.env.PATH = path;
    await h.close();
  });

  test('the local runner reported its Xcode and macOS at start', async () => {
    const runners = await h.stratus.store.toolchain.runners();
    const local = runners.find((r) => r.id.startsWith('local-'));
    assert.equal(local?.has_xcode, 1);
    const xcodes = await h.api.get('/v1/ciXcodeVersions');
    assert.deepEqual(
      xcodes.data.map((x: any) => [x.id, x.attributes.version, x.attributes.name]),
      [[XCODE, XCODE, 'Xcode 16.2 (16C5032a)']],
    );
    assert.equal(xcodes.data[0].attributes.testDestinations[0].deviceTypeName, 'iPhone 16');
    assert.equal(xcodes.meta.paging.total, 1);
  });

  test('an id with a colon works in the URL path, with includes and links', async () => {
    // A second machine with the same Xcode on an older macOS.
    await h.stratus.store.toolchain.report(
      { id: 'mac-2', name: 'Mac mini 2' },
      {
        xcode: { id: XCODE, name: 'Xcode 16.2 (16C5032a)', testDestinations: [] },
        macOs: { id: '23H124', name: 'macOS Sonoma 14.7 (23H124)' },
      },
    );
    const doc = await h.api.get(`/v1/ciXcodeVersions/${XCODE}?include=macOsVersions`);
    assert.equal(doc.data.id, XCODE);
    assert.equal(doc.data.links.self, `${h.stratus.url}/v1/ciXcodeVersions/${XCODE}`);
    assert.deepEqual(
      doc.data.relationships.macOsVersions.data.map((m: any) => m.id),
      ['23H124', '24C101'],
    );
    assert.equal(
      doc.data.relationships.macOsVersions.links.related,
      `${h.stratus.url}/v1/ciXcodeVersions/${XCODE}/macOsVersions`,
    );
    assert.deepEqual(doc.included.map((m: any) => m.attributes.name).sort(), [
      'macOS Sequoia 15.2 (24C101)',
      'macOS Sonoma 14.7 (23H124)',
    ]);
    const escaped = await h.api.get(`/v1/ciXcodeVersions/${encodeURIComponent(XCODE)}`);
    assert.equal(escaped.data.id, XCODE);
  });

  test('macOS versions list the Xcode versions that run on them', async () => {
    const mac = await h.api.get('/v1/ciMacOsVersions/24C101');
    assert.deepEqual(mac.data.attributes, {
      version: '24C101',
      name: 'macOS Sequoia 15.2 (24C101)',
    });
    const related = await h.api.get('/v1/ciMacOsVersions/24C101/xcodeVersions');
    assert.deepEqual(
      related.data.map((x: any) => x.id),
      [XCODE],
    );
    const linkage = await h.api.get(`/v1/ciXcodeVersions/${XCODE}/relationships/macOsVersions`);
    assert.deepEqual(linkage.data, [
      { type: 'ciMacOsVersions', id: '23H124' },
      { type: 'ciMacOsVersions', id: '24C101' },
    ]);
    const missing = await h.api.request('GET', '/v1/ciMacOsVersions/00A000');
    assert.equal(missing.status, 404);
  });
});
