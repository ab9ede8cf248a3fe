import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { systemRandom } from '../ports/clock.ts';
import { EsdkSealer } from '../crypto/esdk-sealer.ts';
import { createVaultKey, FileAuditLog, openVaultKey, openWithRecoveryKey, saveToProvider, type ManagedKey } from '../keys/index.ts';
import { loadSettings, saveSettings, defaultSettings, settingsProblems, type VaultSettings } from '../journal/settings-store.ts';
import { readDescriptor, writeDescriptor } from './descriptor.ts';
import { ensureDeviceRecord, writeDeviceRecord } from './device-records.ts';
import { InitUndo, lockRefusal } from './init-undo.ts';
import { keyContextOf, ReadableVault, type VaultParts } from './readable-vault.ts';
import { VaultRegistry } from './registry.ts';
import type { SseSetting } from './sse-setting.ts';
import { assertStateOutside, vaultPaths } from './state-dir.ts';
import type { VaultEnv } from './vault-env.ts';
import { checkSettingsChange, VaultStores, type StoreSettings } from './vault-stores.ts';
import { hasSseCKey } from './sse-key.ts';
import { loadS3Credentials, saveS3Credentials, type S3Credentials } from './s3-credentials.ts';
import { loadOrCreateChunking } from './chunking-secret.ts';
import type { VaultChunking } from './chunking-layout.ts';
import { sharedCutPool, vaultChunker } from './vault-chunker.ts';
import type { FileChunker } from '../sync/chunked-upload.ts';
import { MembershipError } from '../team/team-errors.ts';
import { noPhaseTimer } from '../ports/phase-timer.ts';

/** A new device attaching to a vault that exists (`coffer join`); docs/DESIGN "Public use-case API". */
export interface JoinRequest {
  folder: string;
  remote: string;
  endpoint?: string;
  profile?: string;
  /** S3 region and access keys, as at init (saved the same way). */
  region?: string;
  credentials?: S3Credentials;
  allowHttp?: boolean;
  /** How this device opens the key: `passphrase` (the bucket's passphrase slot), a KMS or HSM ref, `member:<vaultId>`. */
  keyRef?: string;
  /** The recovery key instead of keyRef (a new machine with the recovery kit). */
  recoveryKey?: string;
  /** Where this device keeps the key (keychain:<name>, passphrase); default the keyRef. Needed with recoveryKey. */
  saveKeyRef?: string;
  /** This device's name in the vault's device list (default: the host name). */
  deviceName?: string;
  /** The member this device belongs to, for its device record (team members; null/absent: the owner). */
  member?: string;
  /** The vault the caller expects (a join code names it): another one in the bucket is refused. */
  expectVaultId?: string;
  /** Runs once the bucket is known to hold the vault, before the key is opened (a member saves its identity). */
  beforeKey?: () => Promise<void>;
  /** Runs on the joined vault before its device record is written; throwing undoes the join. */
  check?: (vault: LocalVault) => Promise<void>;
}

export interface InitRequest {
  folder: string;
  remote: string;
  endpoint?: string;
  keyRef: string;
  allowHttp?: boolean;
  /** AWS shared-config profile for S3 credentials (saved with the vault). */
  profile?: string;
  /** S3 region (saved with the vault). */
  region?: string;
  /** S3 access keys instead of a profile: saved on this machine only, mode 0600 (s3-credentials.ts). */
  credentials?: S3Credentials;
  /** Server-side encryption on S3 (default none); see sse-setting.ts. */
  sse?: SseSetting;
  /** S3 storage class for data objects (saved with the vault). */
  storageClass?: VaultSettings['storageClass'];
  /** S3 Object Lock retention for every object written (saved with the vault). */
  objectLock?: VaultSettings['objectLock'];
  /** Size padding of the objects written (saved with the vault; default off). */
  padding?: VaultSettings['padding'];
}

/**
 * The vault of a folder on this machine: the read side (readable-vault.ts) plus its settings, which it
 * always has; the sync loop is in vault-sync.ts.
 */
export class LocalVault extends ReadableVault {
  readonly settings: VaultSettings;

  constructor(parts: VaultParts & { settings: VaultSettings }) {
    super(parts);
    this.settings = parts.settings;
  }

  /**
   * Creates a vault for `req.folder` at `req.remote`. On any failure it leaves nothing behind: the
   * destination folder it made, the objects it wrote and the state folder are removed (init-undo.ts).
   */
  /**
   * Every check `init` makes before it writes anything: the folder, the registry, the store settings, a
   * vault already in the destination. A host runs it before asking for a new passphrase, so a request
   * that cannot work is refused before the user types anything.
   */
  static async checkInit(env: VaultEnv, req: InitRequest): Promise<{ folder: string; stored: StoreSettings; stores: VaultStores }> {
    // The real folder: the scanner refuses to walk a symlink, so a folder given through one (a symlinked
    // home, /tmp on macOS) is registered as what it points to.
    const folder = await realpath(resolve(req.folder)).catch(() => resolve(req.folder));
    const st = await stat(folder).catch(() => null);
    if (!st?.isDirectory()) throw new Error(`${folder} is not a folder`);
    assertStateOutside(folder, env.home);
    if ((await new VaultRegistry(env.home).list()).some((v) => v.folder === folder)) throw new Error(`${folder} is already a Coffer folder`);
    const stored: StoreSettings = {
      remote: req.remote, endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile, sse: req.sse?.sse ?? 'none',
      sseKmsKeyId: req.sse?.sseKmsKeyId, storageClass: req.storageClass, objectLock: req.objectLock, region: req.region,
      ...(req.credentials ? { credentials: req.credentials } : {}),
    };
    const stores = VaultStores.open(env, stored);
    const existing = await readDescriptor(stores.slots, req.remote).catch(() => null);
    if (existing) {
      throw new Error(`${req.remote} already holds a Coffer vault; to sync this folder with it as another device, run "coffer join ${req.folder} --remote ${req.remote} --key <ref>" instead`);
    }
    return { folder, stored, stores };
  }

  static async init(env: VaultEnv, req: InitRequest): Promise<{ vault: LocalVault; recoveryKey: string }> {
    const { folder, stored, stores } = await LocalVault.checkInit(env, req);
    const registry = new VaultRegistry(env.home);
    const random = env.random ?? systemRandom;
    const vaultId = Buffer.from(random(16)).toString('hex');
    const { credentials, ...saved } = stored;
    const settings = defaultSettings({ ...saved, vaultId, folder, keyRef: req.keyRef, deviceId: Buffer.from(random(8)).toString('hex'), padding: req.padding });
    const paths = vaultPaths(env.home, vaultId);
    const undo = await InitUndo.begin(env.home, paths, req.remote, stores.slots);
    const audit = new FileAuditLog(paths.dir, env.clock);
    try {
      if (credentials) await saveS3Credentials(paths.dir, credentials);
      const { key, recoveryKey } = await createVaultKey(req.keyRef, { ...keyContextOf(env, vaultId, stores.slots, paths, audit), random })
        .catch((err: unknown) => { throw lockRefusal(err, req.remote, req.objectLock !== undefined); });
      undo.keyCreated(key);
      // The customer key goes in before the descriptor: a vault that exists can always be opened.
      const store = await stores.dataStore(new EsdkSealer(key), vaultId, { create: random });
      await writeDescriptor(stores.slots, vaultId);
      await saveSettings(paths.settings, settings);
      await registry.add(vaultId, folder);
      const vault = new LocalVault({ env, vaultId, paths, stores, store, key, audit, settings });
      // Best effort: the vault stands without it, and every pass's upkeep writes it while it is missing.
      await ensureDeviceRecord(vault).catch(() => undefined);
      return { vault, recoveryKey };
    } catch (err) {
      await undo.run(audit);
      throw err;
    }
  }

  /**
   * Attaches this machine to a vault that exists as a new device: its own device id, settings and
   * registry entry; nothing in the folder is touched (the first pass pulls the tree and merges a folder
   * that already held files: vault-sync.ts, use-cases/join-ops.ts). Refuses a bucket with no vault, a
   * folder already registered, and a vault this machine already syncs elsewhere. Writes nothing before
   * the key opened.
   */
  static async join(env: VaultEnv, req: JoinRequest): Promise<LocalVault> {
    const folder = await realpath(resolve(req.folder)).catch(() => resolve(req.folder));
    const st = await stat(folder).catch(() => null);
    if (st && !st.isDirectory()) throw new Error(`${folder} is not a folder`);
    assertStateOutside(folder, env.home);
    const registry = new VaultRegistry(env.home);
    const registered = await registry.list();
    if (registered.some((v) => v.folder === folder)) throw new Error(`${folder} is already a Coffer folder`);
    if (!req.keyRef && !req.recoveryKey) throw new Error('give --key <ref> or --recovery-key <key> to join a vault');
    const saveRef = req.saveKeyRef ?? req.keyRef;
    if (!saveRef) throw new Error('with --recovery-key, say where this device keeps the key: --save-key keychain:<name> or --save-key passphrase');
    if (req.keyRef && req.saveKeyRef && req.saveKeyRef !== req.keyRef) {
      // Moving a shared custody (the bucket's passphrase slot) would take it away from the other devices.
      throw new Error('--save-key goes with --recovery-key; with --key the device keeps using that key');
    }
    const access = { region: req.region, ...(req.credentials ? { credentials: req.credentials } : {}) };
    const probe = VaultStores.open(env, { remote: req.remote, endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile, sse: 'none', ...access });
    const { vaultId } = await readDescriptor(probe.slots, req.remote).catch((err: Error) => {
      throw new Error(`${err.message}; to create one, run "coffer init ${req.folder} --remote ${req.remote}"`);
    });
    if (req.expectVaultId && req.expectVaultId !== vaultId) {
      throw new MembershipError(`this join code is for vault ${req.expectVaultId}, but ${req.remote} holds vault ${vaultId}`);
    }
    const elsewhere = registered.find((v) => v.vaultId === vaultId);
    if (elsewhere) throw new Error(`this machine already syncs vault ${vaultId} in ${elsewhere.folder}`);
    await req.beforeKey?.();
    const stored: StoreSettings = {
      remote: req.remote, endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile, sse: (await hasSseCKey(probe.slots)) ? 'c' : 'none',
      ...access,
    };
    const stores = VaultStores.open(env, stored);
    const paths = vaultPaths(env.home, vaultId);
    const audit = new FileAuditLog(paths.dir, env.clock);
    const ctx = keyContextOf(env, vaultId, stores.slots, paths, audit);
    let key: ManagedKey = req.recoveryKey ? await openWithRecoveryKey(req.recoveryKey, ctx) : await openVaultKey(req.keyRef!, ctx);
    if (key.ref !== saveRef) key = await saveToProvider(key, saveRef, ctx);
    const store = await stores.dataStore(new EsdkSealer(key), vaultId, 'load');
    const random = env.random ?? systemRandom;
    const { credentials, ...saved } = stored;
    const settings = defaultSettings({ ...saved, vaultId, folder, keyRef: key.ref, deviceId: Buffer.from(random(8)).toString('hex') });
    await mkdir(folder, { recursive: true });
    if (credentials) await saveS3Credentials(paths.dir, credentials);
    await saveSettings(paths.settings, settings);
    await registry.add(vaultId, folder);
    const vault = new LocalVault({ env, vaultId, paths, stores, store, key, audit, settings });
    try {
      await req.check?.(vault);
    } catch (err) {
      await vault.close();
      await registry.remove(vaultId).catch(() => undefined);
      await rm(paths.dir, { recursive: true, force: true });
      throw err;
    }
    // Best effort, as at init: the next pass's upkeep writes a missing record (under the host name).
    await writeDeviceRecord(vault, { name: req.deviceName, member: req.member ?? null }).catch(() => undefined);
    return vault;
  }

  /**
   * The vault of a local folder (or the only one). `recoveryKey`: opened with the vault's recovery key
   * instead of its key reference (a forgotten passphrase); the key's copies stay as they are, and a
   * rotation meanwhile reaches them from the recovery slot, which is always written first (keys/index.ts).
   */
  static async open(env: VaultEnv, folder?: string, opts: { recoveryKey?: string } = {}): Promise<LocalVault> {
    const phases = env.phases ?? noPhaseTimer;
    const { vaultId, paths, settings, credentials } = await phases.time('reading the registry and settings', async () => {
      const { vaultId } = await new VaultRegistry(env.home).find(folder);
      const paths = vaultPaths(env.home, vaultId);
      return { vaultId, paths, settings: await loadSettings(paths.settings), credentials: await loadS3Credentials(paths.dir) };
    });
    const stores = VaultStores.open(env, { ...settings, ...(credentials ? { credentials } : {}) });
    const audit = new FileAuditLog(paths.dir, env.clock);
    const ctx = keyContextOf(env, vaultId, stores.slots, paths, audit);
    const key = await phases.time('unlocking the key', () => (opts.recoveryKey ? openWithRecoveryKey(opts.recoveryKey, ctx) : openVaultKey(settings.keyRef, ctx)));
    const store = await phases.time('opening the data store', () => stores.dataStore(new EsdkSealer(key), vaultId, 'load'));
    return new LocalVault({ env, vaultId, paths, stores, store, key, audit, settings });
  }

  protected get retentionDays(): number {
    return this.settings.retentionDays;
  }

  private chunkingOnce: Promise<VaultChunking> | null = null;

  /** The chunker of this vault's passes (vault-chunker.ts), over the process's chunking worker pool. */
  async chunker(): Promise<FileChunker> {
    return vaultChunker(await this.chunking(), sharedCutPool());
  }

  /**
   * The vault's chunking secret and parameters (vault/chunking-secret.ts), read or made on first use and
   * kept for the vault's lifetime: a pass that chunks no file never asks, so a vault is upgraded (to
   * format 5, or 4 when it has a legacy secret) only when it first stores a chunked file. A failed attempt
   * is not kept.
   */
  chunking(): Promise<VaultChunking> {
    if (!this.chunkingOnce) {
      const once = loadOrCreateChunking(this.slots, this.sealer, this.vaultId, this.random);
      once.catch(() => {
        if (this.chunkingOnce === once) this.chunkingOnce = null;
      });
      this.chunkingOnce = once;
    }
    return this.chunkingOnce;
  }

  /**
   * Saves changed settings and applies them to the running vault. A change the stores cannot honour
   * (vault-stores.ts: SSE on a folder, switching SSE-C, a policy on a folder) is refused before anything
   * is saved, so the vault still opens next time. The bandwidth limit and an aes256 / aws:kms mode apply at once.
   */
  async changeSettings(patch: Partial<Omit<VaultSettings, 'version' | 'vaultId'>>): Promise<VaultSettings> {
    const next: VaultSettings = { ...this.settings, ...patch };
    const problems = settingsProblems(next);
    if (problems) throw new SettingsChangeRefused(`settings not changed: ${problems}`);
    try {
      checkSettingsChange(this.env, this.settings, next);
    } catch (err) {
      throw new SettingsChangeRefused(`settings not changed: ${(err as Error).message}`, { cause: err });
    }
    await saveSettings(this.paths.settings, next);
    // The same object: the runner and a pass under way read the settings from it.
    Object.assign(this.settings, next);
    this.stores.apply(this.settings);
    return this.settings;
  }
}

/** A settings change refused before anything was saved; named so the IPC layer answers 400 (ipc/errors.ts). */
export class SettingsChangeRefused extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidRequestError';
  }
}
