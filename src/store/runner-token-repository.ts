/**
 * Tokens for the HTTP runner protocol. A token is shown once when made; the
 * store keeps only its SHA-256, so a copy of the database gives no runner
 * access. Tokens are long random strings, so a plain hash (no salt or
 * stretching) is enough: there is nothing to guess from a dictionary.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, RunnerTokenTable } from './schema.ts';

export type RunnerTokenRow = Selectable<RunnerTokenTable>;

const PREFIX = 'srt_';

export function hashRunnerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class RunnerTokenRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Makes a token; the returned `token` is the only copy there will ever be. */
  async create(name: string): Promise<{ id: string; name: string; token: string }> {
    const id = randomUUID();
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.#db
      .insertInto('runner_tokens')
      .values({
        id,
        name,
        token_hash: hashRunnerToken(token),
        created_at: new Date().toISOString(),
        revoked_at: null,
      })
      .execute();
    return { id, name, token };
  }

  /** The token's row when it exists and is not revoked. */
  async find(token: string): Promise<RunnerTokenRow | undefined> {
    if (!token.startsWith(PREFIX)) return undefined;
    return this.#db
      .selectFrom('runner_tokens')
      .selectAll()
      .where('token_hash', '=', hashRunnerToken(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  list(): Promise<RunnerTokenRow[]> {
    return this.#db.selectFrom('runner_tokens').selectAll().orderBy('created_at').execute();
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('runner_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
