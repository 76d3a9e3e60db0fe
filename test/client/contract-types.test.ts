import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { contractTypesPath, generateContractTypes } from '../../scripts/generate-client-types.ts';

test("the client's contract types are what the generator makes from the contract", async () => {
  const contract = JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../../src/contract/asc-ci-openapi.json', import.meta.url)),
      'utf8',
    ),
  );
  const expected = await generateContractTypes(contract);
  assert.ok(
    readFileSync(contractTypesPath, 'utf8') === expected,
    'src/client/contract-types.ts is out of date: run `npm run generate:client`',
  );
  // The enums come through as literal unions.
  assert.match(expected, /export type CiCompletionStatus = 'SUCCEEDED' \| 'FAILED'/);
});
