import { changePassphrase, moveKey, type OpenVault } from '../../engine/api.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { newPassphrase } from '../new-passphrase.ts';

/**
 * Moves the vault key to another custody (keychain <-> passphrase) or changes the passphrase. Only the
 * small key copy is rewritten (the keychain item or keys/passphrase); no data is re-encrypted.
 */
export async function moveKeyCommand(ctx: CommandContext, vault: OpenVault, sub: 'move' | 'change-passphrase'): Promise<number> {
  const to = sub === 'change-passphrase' ? 'passphrase' : str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer keys move --to keychain:<name> | passphrase');
  if (sub === 'change-passphrase' && vault.key.ref !== 'passphrase') throw new UsageError(`this vault's key is ${vault.key.ref}, not a passphrase`);
  const needsPassphrase = to === 'passphrase';
  const passphrase = needsPassphrase
    ? await newPassphrase({ envVar: 'COFFER_NEW_PASSPHRASE', unchanged: 'nothing was changed', userInputs: [vault.vaultId] })
    : undefined;
  const moved = sub === 'change-passphrase' ? await changePassphrase(vault, { passphrase: passphrase! }) : await moveKey(vault, { to, passphrase });
  ctx.out.result(
    sub === 'change-passphrase' ? 'Passphrase changed. No data was re-encrypted.' : `The vault key now lives in ${moved.keyRef}. No data was re-encrypted.`,
    moved,
  );
  return 0;
}
