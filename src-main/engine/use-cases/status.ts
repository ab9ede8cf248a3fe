import { emptyIndex, loadIndex } from '../sync/local-index.ts';
import type { KeyStatus } from '../ports/key-provider.ts';
import type { OpenVault } from './vault-ops.ts';

/** What the bucket's head and this machine's local index say about a vault. */
export interface StoredState {
  vaultId: string;
  folder: string;
  remote: string;
  /** When this machine last committed a pass (null: never). */
  lastSync: string | null;
  /** Entries and bytes of the newest snapshot. */
  files: number;
  bytes: number;
  generation: number;
  /** Another device committed after this machine's last pass. */
  behindRemote: boolean;
  /** Files the last passes could not put in the vault. */
  notStored: { path: string; reason: string; time: string }[];
}

/** `coffer status`: the stored state plus the key's reference, state and current version. */
export interface VaultStatusReport extends StoredState {
  key: string;
  keyState: KeyStatus['state'];
  keyVersion: number | undefined;
}

/**
 * Reads the head, its root and the local index. `lenient` (the app's status, refreshed on every state
 * change while a store may be failing): an unreadable head, root or local index counts as nothing stored
 * instead of failing the whole status (the runner's pass reports the error itself).
 */
export async function storedState(vault: OpenVault, opts: { lenient?: boolean } = {}): Promise<StoredState> {
  const tolerate = <T>(p: Promise<T>): Promise<T | null> => (opts.lenient ? p.catch(() => null) : p);
  const settings = vault.settings;
  const index = (await tolerate(loadIndex(vault.paths.index))) ?? emptyIndex();
  const head = await tolerate(vault.manifest.readHead());
  const root = head ? await tolerate(vault.manifest.readRoot(head.head.rootId)) : null;
  // A pass that found nothing changed writes only its history line, not the index (sync/no-change-pass):
  // the last sync is the newer of the two.
  const lastLine = (await tolerate(vault.queryHistory({ actions: ['sync'], limit: 1 })))?.entries[0]?.time;
  const lastSync = [index.lastSync, lastLine].filter((t): t is string => !!t).sort().at(-1) ?? null;
  return {
    vaultId: vault.vaultId, folder: settings.folder, remote: settings.remote, lastSync,
    files: root?.files ?? 0, bytes: root?.bytes ?? 0, generation: head?.head.generation ?? 0,
    behindRemote: !!head && head.head.rootId !== index.rootId,
    notStored: index.notStored ?? [],
  };
}

/** The status `coffer status` prints: every read must succeed. */
export async function vaultStatus(vault: OpenVault): Promise<VaultStatusReport> {
  const stored = await storedState(vault);
  const key = await vault.key.status();
  return { ...stored, key: key.ref, keyState: key.state, keyVersion: key.versions.find((v) => v.current)?.version };
}
