import { resolve } from 'node:path';
import type { BlobStore } from '../ports/blob-store.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { systemClock, systemRandom, type Clock, type RandomSource } from '../ports/clock.ts';
import type { HistoryLog, HistoryQuery } from '../ports/journal.ts';
import { EsdkSealer } from '../crypto/esdk-sealer.ts';
import { ManifestStore, type Tree } from '../manifest/manifest-store.ts';
import { rootAt, versionsOf, type PathVersion } from '../manifest/history-walk.ts';
import { checkHeadAgainst } from '../manifest/head-check.ts';
import type { Head } from '../manifest/schema.ts';
import { ContentReader } from '../read/content-reader.ts';
import { restoreTree, type RestoreOptions, type RestoreReport } from '../restore/restorer.ts';
import { verifyVault, type VerifyReport } from '../verify/verifier.ts';
import { quickCheck, referencedObjects, withManifestProblems, type QuickCheckReport } from '../verify/quick-check.ts';
import { checkKeySlots, type AuditLog, type KeyContext, type ManagedKey, type SlotCheck } from '../keys/index.ts';
import { FileHistoryLog } from '../journal/history-log.ts';
import { lastSeenGeneration, recordSeenGeneration } from './seen-head.ts';
import { explainMissingHead } from './missing-head.ts';
import type { VaultPaths } from './state-dir.ts';
import type { VaultStores } from './vault-stores.ts';
import type { VaultEnv } from './vault-env.ts';

/** What `coffer verify` found: the snapshots and objects (verifier.ts) and the key slots (slot-check.ts). */
export interface VaultVerifyReport extends VerifyReport {
  keySlots: SlotCheck[];
}

/** The parts every opened vault has; vault-stores.ts builds `stores`, in order, before the key opens. */
export interface VaultParts {
  env: VaultEnv;
  vaultId: string;
  paths: VaultPaths;
  stores: VaultStores;
  /** The data store (stores.slots itself unless SSE-C is on). */
  store: BlobStore;
  key: ManagedKey;
  /**
   * The key audit log, shared with the key: two writers over one hash chain would each continue from
   * their own idea of the last entry and break it.
   */
  audit: AuditLog;
}

/**
 * The read side shared by a local vault (local-vault.ts) and one opened from the bucket alone
 * (remote-vault.ts): manifest, reader, head checks, restore, verify, versions, history.
 */
export abstract class ReadableVault {
  readonly env: VaultEnv;
  readonly vaultId: string;
  readonly paths: VaultPaths;
  readonly stores: VaultStores;
  readonly store: BlobStore;
  /** Where the descriptor and keys/ live: the same store, except that SSE-C never applies to it. */
  readonly slots: BlobStore;
  readonly key: ManagedKey;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly manifest: ManifestStore;
  /** One sealer for the vault: it fetches keyrings per call, so a rotation applies to the next object. */
  readonly sealer: EsdkSealer;
  readonly reader: ContentReader;
  private historyLog: HistoryLog | null = null;
  /** The one opening in flight: two first callers at once must share one log, or one's appends are lost to the other's cache. */
  private historyOpening: Promise<HistoryLog> | null = null;

  constructor(parts: VaultParts) {
    ({ env: this.env, vaultId: this.vaultId, paths: this.paths, stores: this.stores, store: this.store, key: this.key, audit: this.audit } = parts);
    this.slots = parts.stores.slots;
    this.clock = this.env.clock ?? systemClock;
    this.random = this.env.random ?? systemRandom;
    this.sealer = new EsdkSealer(this.key);
    this.manifest = new ManifestStore(this.store, this.sealer, this.vaultId, this.random, this.paths.cache);
    this.reader = new ContentReader({ store: this.store, sealer: this.sealer, vaultId: this.vaultId });
  }

  /** How long past snapshots are kept, as far as this machine knows (undefined: not known here). */
  protected abstract get retentionDays(): number | undefined;

  /** What the key module needs to open, move or change this vault's key; `overrides` replace parts. */
  keyContext(overrides: Partial<KeyContext> = {}): KeyContext {
    return { ...keyContextOf(this.env, this.vaultId, this.slots, this.paths, this.audit), clock: this.clock, random: this.random, ...overrides };
  }

  async history(): Promise<HistoryLog> {
    if (this.historyLog) return this.historyLog;
    this.historyOpening ??= FileHistoryLog.open(this.paths.dir).then((log) => (this.historyLog = log), (err: unknown) => {
      this.historyOpening = null;
      throw err;
    });
    return this.historyOpening;
  }

  /**
   * The head, refused when it is older than the newest one this machine saw or missing although one was
   * seen (manifest/head-check.ts); null when nothing was committed as far as this machine knows.
   */
  async checkedHead(doing: string): Promise<{ head: Head; etag: string } | null> {
    const head = await this.manifest.readHead();
    const seen = await lastSeenGeneration(this.paths);
    checkHeadAgainst(head?.head ?? null, seen, doing);
    if (head && head.head.generation > seen) await recordSeenGeneration(this.paths, head.head.generation);
    return head;
  }

  /**
   * The head for a restore or verify, which must never mistake a vault for an empty one: without a head
   * it throws NoSnapshotError (nothing committed) or MissingHeadError (roots exist in the bucket).
   */
  async requireHead(doing: string): Promise<Head> {
    const head = await this.checkedHead(doing);
    if (!head) return explainMissingHead(this.store, this.uncachedManifest());
    return head.head;
  }

  /** The committed tree, as of now or of a past time (empty when nothing was committed yet). */
  async tree(at?: Date): Promise<{ tree: Tree; rootId: string | null; time?: string }> {
    const head = await this.checkedHead('read the vault');
    return head ? this.treeOf(head.head, at) : { tree: new Map(), rootId: null };
  }

  /**
   * One snapshot's tree by its root id. The root is authenticated under this vault's context, so an id
   * from elsewhere cannot name a foreign tree; one that retention removed is a clear error.
   */
  async snapshotTree(rootId: string): Promise<{ tree: Tree; rootId: string; time: string }> {
    const root = await this.manifest.readRoot(rootId).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new Error(`the snapshot ${rootId} is no longer kept (retention removed it)`);
      throw err;
    });
    return { tree: await this.manifest.readTree(root), rootId: root.rootId, time: root.time };
  }

  private async treeOf(head: Head, at?: Date): Promise<{ tree: Tree; rootId: string; time: string }> {
    const root = at ? await rootAt(this.manifest, head.rootId, at) : await this.manifest.readRoot(head.rootId);
    if (!root) throw new Error(`the vault has no version as old as ${at!.toISOString()} (within the retention period)`);
    return { tree: await this.manifest.readTree(root), rootId: root.rootId, time: root.time };
  }

  /**
   * `rootId`: that snapshot (as use-cases/snapshot-ops.ts lists them) instead of the newest or the one
   * current `at`; `timeZone`: the zone of restored copies' names (restore/copy-name.ts).
   */
  async restore(
    toDir: string,
    opts: Pick<RestoreOptions, 'path' | 'paths' | 'asCopy' | 'preserveMode' | 'existing' | 'onProgress'> & { at?: Date; rootId?: string; timeZone?: string } = {},
  ): Promise<RestoreReport & { snapshot: { rootId: string; time: string } }> {
    const head = await this.requireHead('restore');
    const { tree, rootId, time } = opts.rootId ? await this.snapshotTree(opts.rootId) : await this.treeOf(head, opts.at);
    const report = await restoreTree(this.reader, tree, resolve(toDir), {
      path: opts.path, paths: opts.paths, asCopy: opts.asCopy, preserveMode: opts.preserveMode, existing: opts.existing, onProgress: opts.onProgress,
      // Copies kept beside existing files are named after the snapshot: the name says which version it is.
      copyStamp: { time: new Date(time), timeZone: opts.timeZone },
    });
    await this.key.flushAudit();
    return { ...report, snapshot: { rootId, time } };
  }

  /**
   * Checks every retained snapshot and the key slots, reading all of it from the bucket: the local
   * manifest cache and the reader's last pack are bypassed, so a root, segment or pack changed in the
   * bucket is caught on this device too.
   */
  async verify(opts: { samplePercent?: number } = {}): Promise<VaultVerifyReport> {
    const head = await this.requireHead('verify');
    // A reader of its own too: the shared one keeps the last pack it opened, which may predate a change.
    const reader = new ContentReader({ store: this.store, sealer: this.sealer, vaultId: this.vaultId });
    const report = await verifyVault({ store: this.store, manifest: this.uncachedManifest(), reader }, head, {
      samplePercent: opts.samplePercent ?? 100, random: this.random, now: this.clock.now(), retentionDays: this.retentionDays,
    });
    const keySlots = await checkKeySlots(this.key, this.slots, this.vaultId);
    await this.key.flushAudit();
    return { ...report, keySlots };
  }

  /**
   * `verify --quick`: every object of every snapshot, by HEAD (presence, checksum or MD5 ETag), with
   * the manifest read from the bucket and the same head checks as a full verify. Nothing is downloaded.
   */
  async verifyQuick(): Promise<QuickCheckReport> {
    const head = await this.requireHead('verify');
    const walked = await referencedObjects(this.uncachedManifest(), head.rootId, { now: this.clock.now(), retentionDays: this.retentionDays });
    const report = withManifestProblems(await quickCheck(this.store, walked.refs), walked);
    await this.key.flushAudit();
    return report;
  }

  async versions(path: string): Promise<PathVersion[]> {
    const head = await this.checkedHead('list versions');
    return head ? versionsOf(this.manifest, head.head.rootId, path) : [];
  }

  /** A manifest reader that goes to the bucket for every document (its own memory only, no disk cache). */
  private uncachedManifest(): ManifestStore {
    return new ManifestStore(this.store, this.sealer, this.vaultId, this.random, null);
  }

  async queryHistory(q: HistoryQuery) {
    return (await this.history()).query(q);
  }

  async close(): Promise<void> {
    // Best effort: closing must not fail over the usage counts; what was appended still gets waited for.
    await this.key.flushAudit().catch(() => undefined);
    await this.audit.settled();
    await (this.historyLog ?? (await this.historyOpening?.catch(() => null)))?.close();
    this.historyLog = null;
    this.historyOpening = null;
  }
}

/** The key module's view of a vault: its slots store, state folder and audit log. */
export function keyContextOf(env: VaultEnv, vaultId: string, slots: BlobStore, paths: VaultPaths, audit: AuditLog): KeyContext {
  return { vaultId, store: slots, stateDir: paths.dir, passphrase: env.passphrase, clock: env.clock, random: env.random, kdf: env.kdf, audit };
}
