/** `stratus runners create-token | revoke-token | list`: runner tokens and the runners seen. */
import type { Settings } from '../config/settings.ts';
import { requireExistingStore, SettingsError } from '../config/settings.ts';
import { Store } from '../store/store.ts';

export async function runnersCommand(
  sub: string | undefined,
  settings: Readonly<Settings>,
  values: { name?: string | boolean; id?: string | boolean; json?: string | boolean },
): Promise<void> {
  if (!['create-token', 'revoke-token', 'list'].includes(sub ?? '')) {
    throw new SettingsError(`runners needs create-token, revoke-token or list; got '${sub ?? ''}'`);
  }
  // A token or list for a store the server does not use would help nobody.
  requireExistingStore(settings.database);
  const store = await Store.open(settings.database);
  try {
    if (sub === 'create-token') {
      const made = await store.runnerTokens.create(String(values.name));
      if (values.json) process.stdout.write(`${JSON.stringify(made)}\n`);
      else {
        process.stdout.write(
          `Created runner token ${made.id} (${made.name}):\n  ${made.token}\n` +
            'Start a runner with --server <this server> --token <token>. The server keeps only ' +
            'a hash and cannot show the token again.\n',
        );
      }
    } else if (sub === 'revoke-token') {
      if (typeof values.id !== 'string') throw new SettingsError('revoke-token needs --id ID');
      const revoked = await store.runnerTokens.revoke(values.id);
      if (!revoked) throw new SettingsError(`no live runner token has id '${values.id}'`);
      process.stdout.write(`Revoked runner token ${values.id}\n`);
    } else {
      const tokens = await store.runnerTokens.list();
      const runners = await store.runners.live(new Date(0));
      if (values.json) {
        const safeTokens = tokens.map(({ token_hash: _hash, ...rest }) => rest);
        process.stdout.write(`${JSON.stringify({ tokens: safeTokens, runners })}\n`);
        return;
      }
      for (const t of tokens) {
        const state = t.revoked_at ? `revoked ${t.revoked_at}` : 'live';
        process.stdout.write(`token  ${t.id}  ${t.name}  ${state}\n`);
      }
      // The Xcode and macOS versions runners reported are served as ciXcodeVersions and
      // ciMacOsVersions.
      for (const r of runners) {
        const xcode = r.has_xcode ? 'with Xcode' : 'without Xcode';
        process.stdout.write(
          `runner ${r.id}  ${r.name}  ${r.mode}  ${r.slots} slots  ${xcode}  ` +
            `last seen ${r.last_seen}\n`,
        );
      }
    }
  } finally {
    await store.close();
  }
}
