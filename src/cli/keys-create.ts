/** `stratus keys create`: a key written as AuthKey_<KEYID>.p8; only its public half is kept. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApiKey, type KeyRole } from '../auth/api-key.ts';
import type { Store } from '../store/store.ts';

export interface CreatedKey {
  issuerId: string;
  keyId: string;
  role: KeyRole;
  privateKeyPath: string;
}

export async function createKeyFile(
  store: Store,
  options: { name: string; role: KeyRole; outDir: string },
): Promise<CreatedKey> {
  const issuerId = (await store.keys.issuerId()) ?? randomUUID();
  const { privateKeyPem, key } = await createApiKey({
    issuerId,
    name: options.name,
    role: options.role,
  });
  // Like `mkdir -p`; a folder made here is for private keys, so only its owner may enter it.
  mkdirSync(options.outDir, { recursive: true, mode: 0o700 });
  const privateKeyPath = resolve(join(options.outDir, `AuthKey_${key.keyId}.p8`));
  writeFileSync(privateKeyPath, privateKeyPem, { mode: 0o600, flag: 'wx' });
  await store.keys.insert(key);
  return { issuerId, keyId: key.keyId, role: key.role, privateKeyPath };
}
