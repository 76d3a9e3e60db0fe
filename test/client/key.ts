/** A throwaway P-256 key for clients that never reach a server that checks it. */
import { generateKeyPairSync } from 'node:crypto';

export const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
