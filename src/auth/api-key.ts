/**
 * API keys as Stratus issues them: the same shape App Store Connect hands out.
 *
 * A key is a P-256 key pair. The private half leaves the server once, as the
 * PKCS#8 PEM that Apple ships as `AuthKey_<KEYID>.p8`; the server keeps only
 * the public half, so a leaked database cannot be used to mint tokens.
 */
import { generateKeyPair, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * What a key may do. DEVELOPER may read and start builds; only ADMIN and
 * APP_MANAGER may create, change or delete workflows and delete products
 * (the table is in role-policy.ts).
 */
export type KeyRole = 'ADMIN' | 'APP_MANAGER' | 'DEVELOPER';

export interface StoredApiKey {
  keyId: string;
  issuerId: string;
  name: string;
  role: KeyRole;
  /** SubjectPublicKeyInfo PEM of the P-256 public key. */
  publicKeyPem: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Where token verification finds keys; the store implements it. */
export interface KeyLookup {
  findKey(keyId: string): Promise<StoredApiKey | undefined>;
  /** The key if it is held in memory and still fresh, without waiting; else undefined. */
  keptKey?(keyId: string): StoredApiKey | undefined;
}

const ROLES: readonly KeyRole[] = ['ADMIN', 'APP_MANAGER', 'DEVELOPER'];
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const KEY_ID_LENGTH = 10;

const generateEcKeyPair = promisify(generateKeyPair);

/**
 * Makes a key id in the form Apple uses: 10 characters from A-Z and 0-9.
 *
 * Each character is drawn with `randomInt`, which is uniform, so no character
 * is likelier than another (36^10 ≈ 3.7e15 ids).
 *
 * @example
 * newKeyId(); // 'Q7M2X9KD4B'
 */
export function newKeyId(): string {
  let id = '';
  for (let i = 0; i < KEY_ID_LENGTH; i++) id += KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)];
  return id;
}

/**
 * Makes a new P-256 key pair and the record to store for it.
 *
 * The returned `privateKeyPem` is what the key's owner saves as
 * `AuthKey_<keyId>.p8`; it is not part of `key` and must not be stored.
 *
 * @example
 * const { privateKeyPem, key } = await createApiKey({
 *   issuerId: '69a6de7f-1c3e-47e3-e053-5b8c7c11a4d1',
 *   name: 'CI bot',
 *   role: 'DEVELOPER',
 * });
 * await writeFile(`AuthKey_${key.keyId}.p8`, privateKeyPem, { mode: 0o600 });
 */
export async function createApiKey(input: {
  issuerId: string;
  name: string;
  role: KeyRole;
}): Promise<{ privateKeyPem: string; key: StoredApiKey }> {
  if (typeof input.issuerId !== 'string' || input.issuerId === '') {
    throw new TypeError('issuerId must be a non-empty string');
  }
  if (typeof input.name !== 'string' || input.name === '') {
    throw new TypeError('name must be a non-empty string');
  }
  if (!ROLES.includes(input.role)) {
    throw new TypeError(`role must be one of ${ROLES.join(', ')}`);
  }

  const { privateKey, publicKey } = await generateEcKeyPair('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  const key: StoredApiKey = {
    keyId: newKeyId(),
    issuerId: input.issuerId,
    name: input.name,
    role: input.role,
    publicKeyPem: publicKey,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  return { privateKeyPem: privateKey, key };
}
