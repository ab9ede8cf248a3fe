import type { VaultStatus } from '../ports/vault-service.ts';
import { loadSettings } from '../journal/settings-store.ts';
import { loadIndex } from '../sync/local-index.ts';
import { readKnownTotals } from '../vault/known-totals.ts';
import { vaultPaths } from '../vault/state-dir.ts';
import { statusErrorCode } from './status-problem.ts';

/**
 * The status of a registered vault that could not be opened because its destination is away: built
 * from this machine's state alone (settings, local index, the last counts read), so the app can say
 * what the vault holds, what went wrong, what to do and when it tries again, without the bucket.
 */
export async function waitingStatus(
  home: string, vault: { vaultId: string; folder: string }, error: unknown, nextTryAt: number,
): Promise<VaultStatus> {
  const paths = vaultPaths(home, vault.vaultId);
  const settings = await loadSettings(paths.settings).catch(() => null);
  const index = await loadIndex(paths.index).catch(() => null);
  const totals = await readKnownTotals(paths.dir);
  const remote = settings?.remote ?? '';
  const reason = error instanceof Error ? error.message : String(error);
  return {
    state: 'error',
    folder: settings?.folder ?? vault.folder,
    remote,
    vaultId: vault.vaultId,
    ...(index?.lastSync ? { lastSync: index.lastSync } : {}),
    files: totals?.files ?? 0,
    bytes: totals?.bytes ?? 0,
    ...(totals ? { totalsFromCache: true } : {}),
    failures: [],
    error: `Coffer could not reach the destination: ${reason}`,
    errorCode: statusErrorCode(error, remote),
    nextRetry: new Date(nextTryAt).toISOString(),
  };
}
