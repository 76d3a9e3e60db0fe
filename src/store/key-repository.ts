/** API keys: only public keys are stored; the private key leaves once, in the .p8 file. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { KeyLookup, KeyRole, StoredApiKey } from '../auth/api-key.ts';

/*
 * Every API request looks its key up. A key read is kept for a second: a revocation
 * made through this repository counts at once, one made by another process sharing
 * the database within that second.
 */
const KEPT_MS = 1000;

export class KeyRepository implements KeyLookup {
  readonly #db: Kysely<Database>;
  readonly #kept = new Map<string, { key: StoredApiKey; until: number }>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(key: StoredApiKey): Promise<void> {
    this.#kept.delete(key.keyId);
    await this.#db
      .insertInto('api_keys')
      .values({
        key_id: key.keyId,
        issuer_id: key.issuerId,
        name: key.name,
        role: key.role,
        public_key_pem: key.publicKeyPem,
        created_at: key.createdAt,
        revoked_at: key.revokedAt,
      })
      .execute();
  }

  async findKey(keyId: string): Promise<StoredApiKey | undefined> {
    const kept = this.keptKey(keyId);
    if (kept) return kept;
    const key = await this.#read(keyId);
    // Unknown ids are not kept: any string can be sent, and nothing should grow with them.
    if (key) this.#kept.set(keyId, { key, until: Date.now() + KEPT_MS });
    return key;
  }

  keptKey(keyId: string): StoredApiKey | undefined {
    const kept = this.#kept.get(keyId);
    return kept && kept.until > Date.now() ? kept.key : undefined;
  }

  async #read(keyId: string): Promise<StoredApiKey | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      keyId: row.key_id,
      issuerId: row.issuer_id,
      name: row.name,
      role: row.role as KeyRole,
      publicKeyPem: row.public_key_pem,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    };
  }

  async revoke(keyId: string): Promise<boolean> {
    this.#kept.delete(keyId);
    const r = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: new Date().toISOString() })
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The issuer id shared by this server's keys, made once. */
  async issuerId(): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select('issuer_id')
      .limit(1)
      .executeTakeFirst();
    return row?.issuer_id;
  }
}
