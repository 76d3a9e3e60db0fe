import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, startHarness, type Harness } from '../support/harness.ts';

const XCODE = 'Xcode16C5032a:stable';
const MACOS = '24C101';
const SCHEDULE = '/data/attributes/scheduledStartCondition/schedule';

const daily = { frequency: 'DAILY', hour: 2, minute: 30, timezone: 'Europe/Paris' };

// Rules the contract's schema cannot express; each answer is a 409 at the member at fault.
describe('ciWorkflows attribute rules', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof discover>>;
  let n = 0;

  const body = (attributes: object, action: object = {}) => ({
    data: {
      type: 'ciWorkflows',
      attributes: {
        name: `Nightly ${++n}`,
        description: '',
        isEnabled: true,
        clean: false,
        containerFilePath: 'Greeter.xcodeproj',
        actions: [{ name: 'Build', actionType: 'BUILD', scheme: 'Greeter', ...action }],
        ...attributes,
      },
      relationships: {
        product: { data: { type: 'ciProducts', id: ids.product.id } },
        repository: { data: { type: 'scmRepositories', id: ids.repository.id } },
        xcodeVersion: { data: { type: 'ciXcodeVersions', id: XCODE } },
        macOsVersion: { data: { type: 'ciMacOsVersions', id: MACOS } },
      },
    },
  });
  const scheduled = (schedule: object) => ({
    scheduledStartCondition: { source: { isAllMatch: true, patterns: [] }, schedule },
  });

  async function refused(request: object, code: string, pointer: string) {
    const r = await h.api.request('POST', '/v1/ciWorkflows', request);
    assert.equal(r.status, 409, JSON.stringify(r.json));
    assert.equal(r.json.errors[0].code, code, JSON.stringify(r.json));
    assert.deepEqual(r.json.errors[0].source, { pointer });
    return r.json.errors[0];
  }

  before(async () => {
    h = await startHarness({ runners: 0 });
    await h.stratus.store.toolchain.report(
      { id: 'mac-1', name: 'Mac mini 1' },
      {
        xcode: { id: XCODE, name: 'Xcode 16.2 (16C5032a)', testDestinations: [] },
        macOs: { id: MACOS, name: 'macOS Sequoia 15.2 (24C101)' },
      },
    );
    ids = await discover(h.api);
  });
  after(() => h.close());

  test('a sound schedule is kept as given', async () => {
    const weekly = { frequency: 'WEEKLY', days: ['MONDAY'], hour: 0, minute: 59, timezone: 'UTC' };
    for (const schedule of [daily, weekly, { frequency: 'HOURLY', minute: 0, timezone: 'UTC' }]) {
      const r = await h.api.request('POST', '/v1/ciWorkflows', body(scheduled(schedule)));
      assert.equal(r.status, 201, JSON.stringify(r.json));
      const read = r.json.data.attributes.scheduledStartCondition.schedule;
      for (const [key, value] of Object.entries(schedule)) assert.deepEqual(read[key], value);
    }
  });

  test('hour and minute out of range, or too large to be exact, are invalid', async () => {
    const invalid = 'ENTITY_ERROR.ATTRIBUTE.INVALID';
    await refused(body(scheduled({ ...daily, hour: 25 })), invalid, `${SCHEDULE}/hour`);
    await refused(body(scheduled({ ...daily, hour: 1e30 })), invalid, `${SCHEDULE}/hour`);
    await refused(body(scheduled({ ...daily, hour: 2 ** 53 + 1 })), invalid, `${SCHEDULE}/hour`);
    await refused(body(scheduled({ ...daily, minute: -1 })), invalid, `${SCHEDULE}/minute`);
    await refused(body(scheduled({ ...daily, minute: 60 })), invalid, `${SCHEDULE}/minute`);
  });

  test('an unknown time zone is invalid', async () => {
    const error = await refused(
      body(scheduled({ ...daily, timezone: 'Mars/Olympus' })),
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      `${SCHEDULE}/timezone`,
    );
    assert.match(error.detail, /Mars\/Olympus/);
  });

  test('what a frequency needs is required', async () => {
    const required = 'ENTITY_ERROR.ATTRIBUTE.REQUIRED';
    await refused(body(scheduled({})), required, `${SCHEDULE}/frequency`);
    await refused(
      body(scheduled({ frequency: 'WEEKLY', hour: 1, minute: 0, timezone: 'UTC' })),
      required,
      `${SCHEDULE}/days`,
    );
    await refused(
      body(scheduled({ frequency: 'DAILY', minute: 0, timezone: 'UTC' })),
      required,
      `${SCHEDULE}/hour`,
    );
    await refused(
      body({ scheduledStartCondition: { source: { isAllMatch: true } } }),
      required,
      SCHEDULE,
    );
  });

  test('PATCH checks a schedule as POST does', async () => {
    const r = await h.api.request('POST', '/v1/ciWorkflows', body(scheduled(daily)));
    assert.equal(r.status, 201);
    const id = r.json.data.id;
    const patched = await h.api.request('PATCH', `/v1/ciWorkflows/${id}`, {
      data: { type: 'ciWorkflows', id, attributes: scheduled({ ...daily, hour: 24 }) },
    });
    assert.equal(patched.status, 409);
    assert.deepEqual(patched.json.errors[0].source, { pointer: `${SCHEDULE}/hour` });
    const read = await h.api.get(`/v1/ciWorkflows/${id}`);
    assert.equal(read.data.attributes.scheduledStartCondition.schedule.hour, 2);
  });

  test('an empty name or containerFilePath is invalid', async () => {
    const invalid = 'ENTITY_ERROR.ATTRIBUTE.INVALID';
    await refused(body({ name: '' }), invalid, '/data/attributes/name');
    await refused(body({ containerFilePath: '' }), invalid, '/data/attributes/containerFilePath');
  });

  test("an action's missing name or actionType is required", async () => {
    const required = 'ENTITY_ERROR.ATTRIBUTE.REQUIRED';
    const error = await refused(
      body({}, { actionType: undefined }),
      required,
      '/data/attributes/actions/0/actionType',
    );
    assert.equal(error.detail, 'Give each action its actionType.');
    await refused(body({}, { name: null }), required, '/data/attributes/actions/0/name');
  });

  test('text with a lone surrogate is refused, not stored as U+FFFD', async () => {
    await refused(
      body({ description: 'sur\ud800x' }),
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      '/data/attributes/description',
    );
    await refused(
      body({}, { scheme: '\udc00' }),
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      '/data/attributes/actions/0/scheme',
    );
  });
});
