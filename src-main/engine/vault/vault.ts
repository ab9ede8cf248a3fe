import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BlobStore } from '../ports/blob-store.ts';
import { systemClock, systemRandom, type Clock, type RandomSource } from '../ports/clock.ts';
import type { HistoryLog, HistoryQuery } from '../ports/journal.ts';
import { EsdkSealer } from '../crypto/esdk-sealer.ts';
import { ManifestStore, type Tree } from '../manifest/manifest-store.ts';
import { rootAt, versionsOf, type PathVersion } from '../manifest/history-walk.ts';
import { ContentReader } from '../read/content-reader.ts';
import { restoreTree, type RestoreOptions, type RestoreReport } from '../restore/restorer.ts';
import { verifyVault, type VerifyReport } from '../verify/verifier.ts';
import { checkHeadAgainst } from '../manifest/head-check.ts';
import type { Head } from '../manifest/schema.ts';
import { lastSeenGeneration, recordSeenGeneration } from './seen-head.ts';
import { explainMissingHead } from './missing-head.ts';
import { ReadOnlyStore } from '../store/read-only-store.ts';
import { openStore, parseStoreUrl, type OpenStoreOptions } from '../store/open-store.ts';
import {
  checkKeySlots, createVaultKey, FileAuditLog, openVaultKey, openWithRecoveryKey, type AuditLog, type KeyContext, type ManagedKey, type SlotCheck,
} from '../keys/index.ts';
import { FileHistoryLog } from '../journal/history-log.ts';
import { loadSettings, saveSettings, defaultSettings, type VaultSettings } from '../journal/settings-store.ts';
import { assertStateOutside, vaultPaths, type VaultPaths } from './state-dir.ts';
import { VaultRegistry } from './registry.ts';
import { readDescriptor, writeDescriptor, type VaultEnv } from './remote-vault.ts';
import { checkBucketPolicy, withBucketPolicy, type BucketPolicy } from './bucket-policy-store.ts';
import { quickCheck, referencedObjects, withManifestProblems, type QuickCheckReport } from '../verify/quick-check.ts';
import { StoreError } from '../ports/store-errors.ts';
import {
  checkSseSetting, createSseCKey, hasSseCKey, loadSseCKey, openBootstrapStore, sseModeOf, type SseSetting,
} from './sse-key.ts';

export interface InitRequest {
  folder: string;
  remote: string;
  endpoint?: string;
  keyRef: string;
  allowHttp?: boolean;
  /** AWS shared-config profile for S3 credentials (saved with the vault). */
  profile?: string;
  /** Server-side encryption on S3 (default none); see sse-key.ts. */
  sse?: SseSetting;
  /** S3 storage class for data objects (saved with the vault). */
  storageClass?: VaultSettings['storageClass'];
  /** S3 Object Lock retention for every object written (saved with the vault). */
  objectLock?: VaultSettings['objectLock'];
}

/** What `coffer verify` found: the snapshots and objects (verifier.ts) and the key slots (slot-check.ts). */
export interface VaultVerifyReport extends VerifyReport {
  keySlots: SlotCheck[];
}

export interface RemoteRequest {
  remote: string;
  endpoint?: string;
  allowHttp?: boolean;
  keyRef?: string;
  recoveryKey?: string;
  profile?: string;
}

/**
 * One vault as seen from this machine: its store, key, manifest and local state. Read-side operations
 * (restore, verify, versions) live here; the sync loop is in vault-sync.ts.
 */
export class Vault {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly manifest: ManifestStore;
  /** One sealer for the vault: it fetches keyrings per call, so a rotation applies to the next object. */
  readonly sealer: EsdkSealer;
  readonly reader: ContentReader;
  private historyLog: HistoryLog | null = null;

  constructor(
    readonly env: VaultEnv,
    readonly vaultId: string,
    readonly paths: VaultPaths,
    readonly store: BlobStore,
    readonly key: ManagedKey,
    readonly settings: VaultSettings | null,
    /** Where the descriptor and keys/ live: the same store, except that SSE-C never applies to it. */
    readonly slots: BlobStore = store,
    /**
     * The key audit log, shared with the key: two writers over one hash chain would each continue from
     * their own idea of the last entry and break it.
     */
    readonly audit: AuditLog = new FileAuditLog(paths.dir, env.clock),
  ) {
    this.clock = env.clock ?? systemClock;
    this.random = env.random ?? systemRandom;
    this.sealer = new EsdkSealer(key);
    this.manifest = new ManifestStore(store, this.sealer, vaultId, this.random, paths.cache);
    this.reader = new ContentReader({ store, sealer: this.sealer, vaultId });
  }

  static async init(env: VaultEnv, req: InitRequest): Promise<{ vault: Vault; recoveryKey: string }> {
    const folder = resolve(req.folder);
    const st = await stat(folder).catch(() => null);
    if (!st?.isDirectory()) throw new Error(`${folder} is not a folder`);
    assertStateOutside(folder, env.home);
    const registry = new VaultRegistry(env.home);
    if ((await registry.list()).some((v) => v.folder === folder)) throw new Error(`${folder} is already a Coffer folder`);
    const location = parseStoreUrl(req.remote);
    // A local destination folder is created on init (its parent must exist); a bucket must already exist.
    if (location.kind === 'file') await mkdir(location.path, { recursive: true });
    const sse: SseSetting = req.sse ?? { sse: 'none' };
    const storeOpts: OpenStoreOptions = { ...env.storeTuning, endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile };
    checkSseSetting(req.remote, sse, storeOpts);
    const policy: BucketPolicy = { storageClass: req.storageClass, objectLock: req.objectLock };
    checkBucketPolicy(req.remote, policy);
    const slots = withBucketPolicy(wrap(env, openBootstrapStore(req.remote, sse, storeOpts)), policy, env.clock);
    const existing = await readDescriptor(slots, req.remote).catch(() => null);
    if (existing) throw new Error(`${req.remote} already holds a Coffer vault; restore it with "coffer restore --remote ${req.remote} ..." instead`);
    const random = env.random ?? systemRandom;
    const vaultId = Buffer.from(random(16)).toString('hex');
    const paths = vaultPaths(env.home, vaultId);
    const audit = new FileAuditLog(paths.dir, env.clock);
    const { key, recoveryKey } = await createVaultKey(req.keyRef, { ...keyContext(env, vaultId, slots, paths, audit), random })
      .catch((err: unknown) => { throw lockRefusal(err, req); });
    // The customer key goes in before the descriptor: a vault that exists can always be opened.
    const customerKey = sse.sse === 'c' ? await createSseCKey(slots, new EsdkSealer(key), vaultId, random) : undefined;
    await writeDescriptor(slots, vaultId);
    const store = sse.sse === 'c'
      ? withBucketPolicy(wrap(env, openStore(req.remote, { ...storeOpts, sse: sseModeOf(sse, customerKey) })), policy, env.clock)
      : slots;
    const settings = defaultSettings({
      vaultId, folder, remote: req.remote, endpoint: req.endpoint, allowHttp: req.allowHttp, keyRef: req.keyRef,
      deviceId: Buffer.from(random(8)).toString('hex'), sse: sse.sse, sseKmsKeyId: sse.sseKmsKeyId, profile: req.profile,
      storageClass: req.storageClass, objectLock: req.objectLock,
    });
    await saveSettings(paths.settings, settings);
    await registry.add(vaultId, folder);
    return { vault: new Vault(env, vaultId, paths, store, key, settings, slots, audit), recoveryKey };
  }

  /** The vault of a local folder (or the only one). */
  static async open(env: VaultEnv, folder?: string): Promise<Vault> {
    const { vaultId } = await new VaultRegistry(env.home).find(folder);
    const paths = vaultPaths(env.home, vaultId);
    const settings = await loadSettings(paths.settings);
    const storeOpts: OpenStoreOptions = { ...env.storeTuning, endpoint: settings.endpoint, allowHttp: settings.allowHttp, profile: settings.profile, bwlimitKiBps: env.bwlimitKiBps ?? settings.bwlimitKiBps };
    const policy: BucketPolicy = { storageClass: settings.storageClass, objectLock: settings.objectLock };
    const slots = withBucketPolicy(wrap(env, openBootstrapStore(settings.remote, settings, storeOpts)), policy, env.clock);
    const audit = new FileAuditLog(paths.dir, env.clock);
    const key = await openVaultKey(settings.keyRef, keyContext(env, vaultId, slots, paths, audit));
    const store = settings.sse === 'c'
      ? withBucketPolicy(wrap(env, openStore(settings.remote, { ...storeOpts, sse: sseModeOf(settings, await loadSseCKey(slots, new EsdkSealer(key), vaultId)) })), policy, env.clock)
      : slots;
    return new Vault(env, vaultId, paths, store, key, settings, slots, audit);
  }

  /**
   * A vault reached from the bucket alone: a new machine with a key reference or the recovery key. It is
   * opened read-only: restoring or verifying from a new machine can never change the bucket.
   */
  static async openRemote(env: VaultEnv, req: RemoteRequest): Promise<Vault> {
    const storeOpts: OpenStoreOptions = { ...env.storeTuning, endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile, bwlimitKiBps: env.bwlimitKiBps };
    const slots = new ReadOnlyStore(wrap(env, openStore(req.remote, storeOpts)));
    const { vaultId } = await readDescriptor(slots, req.remote);
    const paths = vaultPaths(env.home, vaultId);
    const audit = new FileAuditLog(paths.dir, env.clock);
    const ctx = keyContext(env, vaultId, slots, paths, audit);
    let key: ManagedKey;
    if (req.recoveryKey) key = await openWithRecoveryKey(req.recoveryKey, ctx);
    else if (req.keyRef) key = await openVaultKey(req.keyRef, ctx);
    else throw new Error('give --key <ref> or --recovery-key <key> to open a vault from the bucket');
    // Without local settings the bucket says whether SSE-C is on (aes256 and aws:kms need nothing to read).
    const store = await hasSseCKey(slots)
      ? new ReadOnlyStore(wrap(env, openStore(req.remote, { ...storeOpts, sse: { mode: 'c', key: await loadSseCKey(slots, new EsdkSealer(key), vaultId) } })))
      : slots;
    return new Vault(env, vaultId, paths, store, key, null, slots, audit);
  }

  /** What the key module needs to open, move or change this vault's key; `overrides` replace parts. */
  keyContext(overrides: Partial<KeyContext> = {}): KeyContext {
    return { ...keyContext(this.env, this.vaultId, this.slots, this.paths, this.audit), clock: this.clock, random: this.random, ...overrides };
  }

  async history(): Promise<HistoryLog> {
    const log = this.historyLog ?? (await FileHistoryLog.open(this.paths.dir));
    this.historyLog = log;
    return log;
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

  private async treeOf(head: Head, at?: Date): Promise<{ tree: Tree; rootId: string; time: string }> {
    const root = at ? await rootAt(this.manifest, head.rootId, at) : await this.manifest.readRoot(head.rootId);
    if (!root) throw new Error(`the vault has no version as old as ${at!.toISOString()} (within the retention period)`);
    return { tree: await this.manifest.readTree(root), rootId: root.rootId, time: root.time };
  }

  async restore(toDir: string, opts: Pick<RestoreOptions, 'path' | 'preserveMode' | 'existing' | 'onProgress'> & { at?: Date } = {}): Promise<RestoreReport & { snapshot: { rootId: string; time: string } }> {
    const { tree, rootId, time } = await this.treeOf(await this.requireHead('restore'), opts.at);
    const report = await restoreTree(this.reader, tree, resolve(toDir), { path: opts.path, preserveMode: opts.preserveMode, existing: opts.existing, onProgress: opts.onProgress });
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
      samplePercent: opts.samplePercent ?? 100, random: this.random, now: this.clock.now(), retentionDays: this.settings?.retentionDays,
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
    const walked = await referencedObjects(this.uncachedManifest(), head.rootId, { now: this.clock.now(), retentionDays: this.settings?.retentionDays });
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
    await this.historyLog?.close();
    this.historyLog = null;
  }
}

/** S3 refuses a locked write to a bucket without Object Lock (InvalidRequest): say what to change. */
function lockRefusal(err: unknown, req: InitRequest): unknown {
  if (!req.objectLock || !(err instanceof StoreError) || !/InvalidRequest|object ?lock/i.test(err.message)) return err;
  return new Error(
    `${req.remote} refused an Object Lock retention: the bucket must be created with Object Lock enabled `
    + '(see docs/BUCKET-PROTECTION.md); nothing was written', { cause: err },
  );
}

function wrap(env: VaultEnv, store: BlobStore): BlobStore {
  return env.wrapStore ? env.wrapStore(store) : store;
}

/** The key module's view of a vault: its bootstrap store (key slots), state folder and audit log. */
function keyContext(env: VaultEnv, vaultId: string, slots: BlobStore, paths: VaultPaths, audit: AuditLog): KeyContext {
  return { vaultId, store: slots, stateDir: paths.dir, passphrase: env.passphrase, clock: env.clock, random: env.random, kdf: env.kdf, audit };
}
