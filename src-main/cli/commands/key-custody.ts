import { saveToProvider } from '../../engine/keys/index.ts';
import type { Vault } from '../../engine/vault/vault.ts';
import { str, type CommandContext } from '../context.ts';
import { promptSecret, UsageError } from '../prompt.ts';

/** The new passphrase: COFFER_NEW_PASSPHRASE, or asked twice on the terminal. */
async function newPassphrase(): Promise<string> {
  const fromEnv = process.env.COFFER_NEW_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  const first = await promptSecret('New passphrase: ');
  if (first !== (await promptSecret('New passphrase again: '))) throw new UsageError('the two passphrases differ; nothing was changed');
  return first;
}

/**
 * Moves the vault key to another custody (keychain <-> passphrase) or changes the passphrase. Only the
 * small key copy is rewritten (the keychain item or keys/passphrase); no data is re-encrypted.
 */
export async function moveKeyCommand(ctx: CommandContext, vault: Vault, sub: 'move' | 'change-passphrase'): Promise<number> {
  const to = sub === 'change-passphrase' ? 'passphrase' : str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer keys move --to keychain:<name> | passphrase');
  if (sub === 'change-passphrase' && vault.key.ref !== 'passphrase') throw new UsageError(`this vault's key is ${vault.key.ref}, not a passphrase`);
  const needsPassphrase = to === 'passphrase';
  const passphrase = needsPassphrase ? await newPassphrase() : undefined;
  if (needsPassphrase && (passphrase ?? '').length < 8) throw new UsageError('a passphrase needs at least 8 characters');
  const keyCtx = vault.keyContext({ passphrase: async () => passphrase ?? '' });
  const moved = await saveToProvider(vault.key, to, keyCtx);
  await vault.changeSettings({ keyRef: moved.ref });
  ctx.out.result(
    sub === 'change-passphrase' ? 'Passphrase changed. No data was re-encrypted.' : `The vault key now lives in ${moved.ref}. No data was re-encrypted.`,
    { keyRef: moved.ref },
  );
  return 0;
}
