import { emptyIndex, loadIndex } from '../sync/local-index.ts';
import type { KeyStatus } from '../ports/key-provider.ts';
import type { OpenVault } from './vault-ops.ts';
import { readKnownTotals, writeKnownTotals } from '../vault/known-totals.ts';

/** What the bucket's head and this machine's local index say about a vault. */
export interface StoredState {
  vaultId: string;
  folder: string;
  remote: string;
  /** When this machine last committed a pass (null: never). */
  lastSync: string | null;
  /** Entries and bytes of the newest snapshot (lenient, head unreadable: the last counts this machine read). */
  files: number;
  bytes: number;
  /** The counts are the last ones read (known-totals.ts), not the bucket's now: it could not be read. */
  totalsFromCache?: boolean;
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
 * instead of failing the whole status (the runner's pass reports the error itself); the counts are then
 * the last ones read (vault/known-totals.ts), so an error state still says what the vault holds.
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
  const cached = root || !opts.lenient ? null : await readKnownTotals(vault.paths.dir);
  if (root && head) await rememberTotals(vault, head.head.rootId, root);
  return {
    vaultId: vault.vaultId, folder: settings.folder, remote: settings.remote, lastSync,
    files: root?.files ?? cached?.files ?? 0, bytes: root?.bytes ?? cached?.bytes ?? 0, generation: head?.head.generation ?? 0,
    ...(cached ? { totalsFromCache: true } : {}),
    behindRemote: !!head && head.head.rootId !== index.rootId,
    notStored: index.notStored ?? [],
  };
}

/** Keeps the counts of a newly read root for a status taken without the bucket; best effort (a cache). */
async function rememberTotals(vault: OpenVault, rootId: string, root: { files: number; bytes: number }): Promise<void> {
  const known = await readKnownTotals(vault.paths.dir);
  if (known?.rootId === rootId) return;
  const at = new Date(vault.clock.now()).toISOString();
  await writeKnownTotals(vault.paths.dir, { rootId, files: root.files, bytes: root.bytes, at }).catch(() => undefined);
}

/** The status `coffer status` prints: every read must succeed. */
export async function vaultStatus(vault: OpenVault): Promise<VaultStatusReport> {
  const stored = await storedState(vault);
  const key = await vault.key.status();
  return { ...stored, key: key.ref, keyState: key.state, keyVersion: key.versions.find((v) => v.current)?.version };
}
