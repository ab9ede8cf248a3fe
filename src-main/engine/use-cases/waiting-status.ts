import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MissingContainerError, StoreError } from '../ports/store-errors.ts';
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

/**
 * A folder destination that is there but empty is the mount point of a disk that is not plugged in (or
 * not mounted yet): opening it fails on the missing key slot, which reads like a key problem. Said as
 * what it is, a missing destination, so the host waits for it instead of giving up. Any other failure
 * is returned as it was.
 */
export async function asMissingDestination(home: string, vault: { vaultId: string }, err: unknown): Promise<unknown> {
  if (err instanceof StoreError) return err;
  const settings = await loadSettings(vaultPaths(home, vault.vaultId).settings).catch(() => null);
  if (!settings?.remote.startsWith('file://')) return err;
  const dir = fileURLToPath(settings.remote);
  const entries = await readdir(dir).catch(() => null);
  return entries !== null && entries.length === 0
    ? new MissingContainerError(`the destination folder ${dir} is empty: is its disk plugged in?`, { cause: err })
    : err;
}
