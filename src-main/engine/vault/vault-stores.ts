import type { BlobStore } from '../ports/blob-store.ts';
import { systemClock, type RandomSource } from '../ports/clock.ts';
import type { Sealer } from '../ports/sealer.ts';
import { UnsupportedError } from '../ports/store-errors.ts';
import type { VaultSettings } from '../journal/settings-store.ts';
import { BandwidthLimit } from '../store/bandwidth-limited-store.ts';
import { openStore, type OpenStoreOptions } from '../store/open-store.ts';
import { ReadOnlyStore } from '../store/read-only-store.ts';
import { SwappableStore } from '../store/swappable-store.ts';
import type { SseMode } from '../store/sse.ts';
import { checkBucketPolicy, withBucketPolicy } from './bucket-policy-store.ts';
import { createSseCKey, hasSseCKey, loadSseCKey } from './sse-key.ts';
import { checkSseSetting, slotsSseModeOf, sseModeOf } from './sse-setting.ts';
import type { VaultEnv } from './vault-env.ts';
import type { S3Credentials } from './s3-credentials.ts';

/** The settings a vault's stores are built from. */
export type StoreSettings = Pick<
  VaultSettings, 'remote' | 'endpoint' | 'allowHttp' | 'profile' | 'sse' | 'sseKmsKeyId' | 'bwlimitKiBps' | 'storageClass' | 'objectLock' | 'region'
> & {
  /** S3 access keys saved on this machine (s3-credentials.ts), not in the settings. */
  credentials?: S3Credentials;
};

/**
 * How the data store gets the SSE-C customer key when the vault uses one: a new one from `create`'s
 * randomness (init), the stored one (`load`), or the stored one if the bucket holds one (`detect`: a
 * vault opened without its settings).
 */
export type CustomerKeyStep = { create: RandomSource } | 'load' | 'detect';

/**
 * The one place that builds a vault's stores, always in this order, each step using only what the
 * steps before it gave:
 *
 *   1. the slots store (`VaultStores.open`): the descriptor and `keys/`. SSE-C never applies to it,
 *      aes256 and aws:kms do. The key module opens the vault key over it.
 *   2. the vault key (keys/, by the caller): it needs only the slots store.
 *   3. the data store (`dataStore`): with SSE-C, the customer key is read (or created) through the
 *      slots store with the vault key; otherwise it is the slots store itself.
 *
 * Both stores are the same stack, innermost first: S3 or folder → bandwidth limit (one limit shared by
 * both, changeable while they run) → retry → the env's wrapStore (tests' faults) → bucket policy
 * (storage class, Object Lock) → read-only (a vault opened from the bucket alone). The slots store sits
 * in a SwappableStore, so a settings change (`apply`) can rebuild it with another aes256 / aws:kms mode.
 */
export class VaultStores {
  private constructor(
    private readonly env: VaultEnv,
    private settings: StoreSettings,
    private readonly readOnly: boolean,
    readonly bandwidth: BandwidthLimit,
    private readonly swappable: SwappableStore,
  ) {}

  /** The slots store (and the data store too, unless SSE-C is on). */
  get slots(): BlobStore {
    return this.swappable;
  }

  /** Step 1. Throws on settings the destination cannot honour (checkStoreSettings) before any request. */
  static open(env: VaultEnv, settings: StoreSettings, opts: { readOnly?: boolean } = {}): VaultStores {
    checkStoreSettings(env, settings);
    const bandwidth = new BandwidthLimit(effectiveKiBps(env, settings), env.clock ?? systemClock);
    const readOnly = opts.readOnly ?? false;
    const slots = new SwappableStore(buildStore(env, settings, readOnly, bandwidth, slotsSseModeOf(settings)));
    return new VaultStores(env, settings, readOnly, bandwidth, slots);
  }

  /** Step 3: the data store, given the vault key's sealer (used only for the SSE-C customer key). */
  async dataStore(sealer: Sealer, vaultId: string, step: CustomerKeyStep): Promise<BlobStore> {
    const c = step === 'detect' ? await hasSseCKey(this.slots) : this.settings.sse === 'c';
    if (!c) return this.slots;
    const customerKey = typeof step === 'object'
      ? await createSseCKey(this.slots, sealer, vaultId, step.create)
      : await loadSseCKey(this.slots, sealer, vaultId);
    return buildStore(this.env, this.settings, this.readOnly, this.bandwidth, sseModeOf({ sse: 'c' }, customerKey));
  }

  /**
   * Applies changed settings, checked by checkSettingsChange, to the running stores: the bandwidth limit to
   * both at once (a run's own limit, env.bwlimitKiBps, still wins), and a new aes256 / aws:kms mode to the
   * slots store, rebuilt over the same destination, for the next request.
   */
  apply(next: StoreSettings): void {
    this.bandwidth.set(effectiveKiBps(this.env, next));
    const sseChanged = next.sse !== this.settings.sse || next.sseKmsKeyId !== this.settings.sseKmsKeyId;
    // The saved access keys are not settings: they stay as the vault was opened with them.
    this.settings = { ...next, ...(this.settings.credentials ? { credentials: this.settings.credentials } : {}) };
    if (sseChanged) this.swappable.swap(buildStore(this.env, this.settings, this.readOnly, this.bandwidth, slotsSseModeOf(next)));
  }
}

/** One store of the stack described above. */
function buildStore(env: VaultEnv, s: StoreSettings, readOnly: boolean, bandwidth: BandwidthLimit, sse: SseMode): BlobStore {
  let store = openStore(s.remote, { ...storeOptions(env, s), sse, bandwidth });
  if (env.wrapStore) store = env.wrapStore(store);
  store = withBucketPolicy(store, { storageClass: s.storageClass, objectLock: s.objectLock }, env.clock);
  return readOnly ? new ReadOnlyStore(store) : store;
}

/**
 * Refuses store settings the destination cannot honour, before anything is written or saved: SSE or
 * a bucket policy on a folder, SSE-C over plain http to another host, an unknown storage class.
 */
export function checkStoreSettings(env: VaultEnv, s: StoreSettings): void {
  checkSseSetting(s.remote, s, storeOptions(env, s));
  checkBucketPolicy(s.remote, { storageClass: s.storageClass, objectLock: s.objectLock });
  if (s.bwlimitKiBps !== undefined && !(Number.isInteger(s.bwlimitKiBps) && s.bwlimitKiBps >= 0)) {
    throw new UnsupportedError(`a bandwidth limit is 0 (none) or a whole number of KiB/s, got ${s.bwlimitKiBps}`);
  }
}

/**
 * Refuses a settings change that would leave the vault unable to open or read what it stored, before
 * anything is saved: everything checkStoreSettings refuses, a new destination, and switching SSE-C on
 * or off (the objects stored so far were written with, or without, the customer key).
 */
export function checkSettingsChange(env: VaultEnv, from: StoreSettings, to: StoreSettings): void {
  for (const k of ['remote', 'endpoint', 'profile', 'region'] as const) {
    if (from[k] !== to[k]) throw new UnsupportedError(`the ${k} of a vault cannot be changed (${from[k] ?? 'none'}); restore into a new vault to move it`);
  }
  if ((from.sse === 'c') !== (to.sse === 'c')) {
    throw new UnsupportedError(`SSE-C cannot be switched ${to.sse === 'c' ? 'on' : 'off'} for an existing vault: the objects stored so far were written ${to.sse === 'c' ? 'without' : 'with'} the customer key`);
  }
  checkStoreSettings(env, to);
}

function storeOptions(env: VaultEnv, s: StoreSettings): OpenStoreOptions {
  return {
    ...env.storeTuning, endpoint: s.endpoint, allowHttp: s.allowHttp, profile: s.profile,
    ...(s.region ? { region: s.region } : {}), ...(s.credentials ? { credentials: s.credentials } : {}),
  };
}

function effectiveKiBps(env: VaultEnv, s: Pick<StoreSettings, 'bwlimitKiBps'>): number {
  return env.bwlimitKiBps ?? s.bwlimitKiBps ?? 0;
}
