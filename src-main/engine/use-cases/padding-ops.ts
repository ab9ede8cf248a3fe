import { PADDING_MODES, type PaddingMode } from '../journal/settings-store.ts';
import type { LocalVault } from '../vault/local-vault.ts';

export { PADDING_MODES, type PaddingMode };

/** A padding mode a user typed (a flag, a form); anything else is refused with the modes there are. */
export function parsePadding(text: string): PaddingMode {
  const mode = PADDING_MODES.find((m) => m === text);
  if (!mode) throw new Error(`padding must be ${PADDING_MODES.join(' or ')}, not "${text}"`);
  return mode;
}

/**
 * Sets the padding of the objects this device writes from its next pass on. Objects already stored keep
 * their size (nothing is rewritten), and both kinds read the same way (docs/FORMAT.md "Padding").
 */
export async function setPadding(vault: LocalVault, padding: PaddingMode): Promise<PaddingMode> {
  return (await vault.changeSettings({ padding })).padding;
}
