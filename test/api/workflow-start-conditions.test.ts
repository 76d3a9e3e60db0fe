import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, startHarness, type Harness } from '../support/harness.ts';

// Start conditions as the products file gives them: members left out on purpose.
describe('ciWorkflows start conditions in responses', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({
      runners: 0,
      editConfig: (config) => {
        const workflow = config.products[0].workflows[0];
        workflow.manualBranchStartCondition = { source: { isAllMatch: true } };
        workflow.branchStartCondition = {
          source: { isAllMatch: false, patterns: [{ pattern: 'main' }] },
          filesAndFoldersRule: { mode: 'START_IF_ANY_FILE_MATCHES' },
        };
        workflow.scheduledStartCondition = {
          schedule: { frequency: 'HOURLY', minute: 5, timezone: 'UTC' },
        };
      },
    });
  });
  after(() => h.close());

  test('show every member the contract declares, null or [] when unset', async () => {
    const { workflow } = await discover(h.api);
    const attributes = (await h.api.get(`/v1/ciWorkflows/${workflow.id}`)).data.attributes;
    assert.deepEqual(attributes.manualBranchStartCondition, {
      source: { isAllMatch: true, patterns: [] },
    });
    assert.deepEqual(attributes.branchStartCondition, {
      source: { isAllMatch: false, patterns: [{ pattern: 'main', isPrefix: null }] },
      filesAndFoldersRule: { mode: 'START_IF_ANY_FILE_MATCHES', matchers: [] },
      autoCancel: null,
    });
    assert.deepEqual(attributes.scheduledStartCondition, {
      source: null,
      schedule: { frequency: 'HOURLY', days: [], hour: null, minute: 5, timezone: 'UTC' },
    });
    assert.deepEqual(attributes.manualTagStartCondition, {
      source: { isAllMatch: true, patterns: [] },
    });
    assert.equal(attributes.tagStartCondition, null);
    assert.equal(attributes.pullRequestStartCondition, null);
  });
});
