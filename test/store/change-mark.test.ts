import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { KeyRepository } from '../../src/store/key-repository.ts';
import type { StoredApiKey } from '../../src/auth/api-key.ts';
import { createTestDatabase, testDialect, type TestDatabase } from '../support/test-database.ts';

function apiKey(keyId: string): StoredApiKey {
  return {
    keyId,
    issuerId: 'issuer',
    name: keyId,
    role: 'DEVELOPER',
    publicKeyPem: 'not used here',
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
}

// Commits by other connections are read at most once a millisecond.
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('the store change mark', () => {
  let database: TestDatabase;
  let store: Store;

  before(async () => {
    database = await createTestDatabase();
    store = await Store.open(database.location);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  test(
    'PostgreSQL offers none, so nothing is kept there',
    { skip: testDialect !== 'postgres' },
    () => {
      assert.equal(store.changeMark(), null);
    },
  );

  test(
    'reads leave it; a write through the store moves it at once',
    { skip: testDialect !== 'sqlite' },
    async () => {
      const first = store.changeMark();
      await store.catalog.products(['none']);
      await settle();
      assert.equal(store.changeMark(), first);
      await store.keys.insert(apiKey('OWNWRITE01'));
      assert.notEqual(store.changeMark(), first);
    },
  );

  test(
    'a commit through another connection moves it',
    { skip: testDialect !== 'sqlite' },
    async () => {
      const first = store.changeMark();
      const other = await openDatabase(database.location);
      try {
        await new KeyRepository(other.db).insert(apiKey('OTHERCONN1'));
      } finally {
        await other.close();
      }
      await settle();
      assert.notEqual(store.changeMark(), first);
    },
  );
});
