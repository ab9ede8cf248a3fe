// Apart from registry.ts, which loads zod: engine/early-unlock.ts needs the match before anything loads.

/**
 * The registered vault of a folder, as typed (`abs`, resolved) or through the symlinks in it (`real`):
 * init registers the real folder. With no folder, the only vault. Undefined when none fits.
 */
export function pickVault<V extends { folder: string }>(vaults: readonly V[], abs?: string, real?: string): V | undefined {
  if (abs === undefined) return vaults.length === 1 ? vaults[0] : undefined;
  return vaults.find((v) => v.folder === abs) ?? vaults.find((v) => v.folder === real);
}
