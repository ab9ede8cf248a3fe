import { FileAuditLog, openVaultKey, openWithRecoveryKey, type ManagedKey } from '../keys/index.ts';
import { EsdkSealer } from '../crypto/esdk-sealer.ts';
import { readDescriptor } from './descriptor.ts';
import { keyContextOf, ReadableVault } from './readable-vault.ts';
import { vaultPaths } from './state-dir.ts';
import type { VaultEnv } from './vault-env.ts';
import { VaultStores } from './vault-stores.ts';

export type { VaultEnv } from './vault-env.ts';

export interface RemoteRequest {
  remote: string;
  endpoint?: string;
  allowHttp?: boolean;
  keyRef?: string;
  recoveryKey?: string;
  profile?: string;
}

/**
 * A vault reached from the bucket alone: a new machine with a key reference or the recovery key. It has
 * no local settings and is read-only: restoring or verifying from a new machine can never change the bucket.
 */
export class RemoteVault extends ReadableVault {
  static async open(env: VaultEnv, req: RemoteRequest): Promise<RemoteVault> {
    // Without local settings the bucket says whether SSE-C is on (aes256 and aws:kms need nothing to read).
    const stores = VaultStores.open(env, { remote: req.remote, endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile, sse: 'none' }, { readOnly: true });
    const { vaultId } = await readDescriptor(stores.slots, req.remote);
    const paths = vaultPaths(env.home, vaultId);
    const audit = new FileAuditLog(paths.dir, env.clock);
    const ctx = keyContextOf(env, vaultId, stores.slots, paths, audit);
    let key: ManagedKey;
    if (req.recoveryKey) key = await openWithRecoveryKey(req.recoveryKey, ctx);
    else if (req.keyRef) key = await openVaultKey(req.keyRef, ctx);
    else throw new Error('give --key <ref> or --recovery-key <key> to open a vault from the bucket');
    const store = await stores.dataStore(new EsdkSealer(key), vaultId, 'detect');
    return new RemoteVault({ env, vaultId, paths, stores, store, key, audit });
  }

  protected get retentionDays(): undefined {
    return undefined;
  }
}
