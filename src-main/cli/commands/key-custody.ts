import { saveToProvider } from '../../engine/keys/index.ts';
import { saveSettings } from '../../engine/journal/settings-store.ts';
import type { Vault } from '../../engine/vault/vault.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { newPassphrase } from '../new-passphrase.ts';

/**
 * Moves the vault key to another custody (keychain <-> passphrase) or changes the passphrase. Only the
 * small key copy is rewritten (the keychain item or keys/passphrase); no data is re-encrypted.
 */
export async function moveKeyCommand(ctx: CommandContext, vault: Vault, sub: 'move' | 'change-passphrase'): Promise<number> {
  const to = sub === 'change-passphrase' ? 'passphrase' : str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer keys move --to keychain:<name> | passphrase');
  if (sub === 'change-passphrase' && vault.key.ref !== 'passphrase') throw new UsageError(`this vault's key is ${vault.key.ref}, not a passphrase`);
  const needsPassphrase = to === 'passphrase';
  const passphrase = needsPassphrase
    ? await newPassphrase({ envVar: 'COFFER_NEW_PASSPHRASE', unchanged: 'nothing was changed', userInputs: [vault.vaultId] })
    : undefined;
  const keyCtx = vault.keyContext({ passphrase: async () => passphrase ?? '' });
  const moved = await saveToProvider(vault.key, to, keyCtx);
  const settings = { ...vault.settings!, keyRef: moved.ref };
  await saveSettings(vault.paths.settings, settings);
  ctx.out.result(
    sub === 'change-passphrase' ? 'Passphrase changed. No data was re-encrypted.' : `The vault key now lives in ${moved.ref}. No data was re-encrypted.`,
    { keyRef: moved.ref },
  );
  return 0;
}
