import type { BlobStore } from '../ports/blob-store.ts';
import type { OpenStoreOptions } from '../store/open-store.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { VaultDescriptorSchema, type VaultDescriptor } from '../manifest/schema.ts';
import { VAULT_DESCRIPTOR_KEY } from '../manifest/layout.ts';
import { bufferBody, readAll } from '../store/body.ts';

/** What every vault operation needs from its environment; tests inject clocks, randomness and faults. */
export interface VaultEnv {
  /** The Coffer state home (COFFER_HOME or the OS app-data folder). */
  home: string;
  passphrase?: () => Promise<string>;
  clock?: Clock;
  random?: RandomSource;
  /** Wraps the opened store (fault injection in tests and the UI end-to-end test). */
  wrapStore?: (store: BlobStore) => BlobStore;
  /** A bandwidth limit for this run (KiB/s, up and down), over the vault's own setting. */
  bwlimitKiBps?: number;
  /** Retry and multipart sizes for the vault's store (tests: short backoff, small parts). */
  storeTuning?: Pick<OpenStoreOptions, 'retry' | 'multipart'>;
  /** scrypt cost for new passphrase slots; tests lower it (see keys/index.ts). */
  kdf?: { N: number; r: number; p: number };
}

/** The bucket's only plaintext document: which vault this is and its format. */
export async function readDescriptor(store: BlobStore, location: string): Promise<VaultDescriptor> {
  let raw: Buffer;
  try {
    raw = await readAll(await store.get(VAULT_DESCRIPTOR_KEY));
  } catch (err) {
    if (err instanceof NotFoundError) throw new Error(`there is no Coffer vault at ${location}`);
    throw err;
  }
  const parsed = VaultDescriptorSchema.safeParse(JSON.parse(raw.toString('utf8')));
  if (!parsed.success) throw new Error(`${location} holds a vault of an unknown format; a newer Coffer may be needed`);
  return parsed.data;
}

export async function writeDescriptor(store: BlobStore, vaultId: string): Promise<void> {
  const doc: VaultDescriptor = { format: 'coffer-vault', version: 1, vaultId };
  const cond = store.features.conditionalWrite ? { ifNoneMatch: '*' as const } : {};
  await store.put(VAULT_DESCRIPTOR_KEY, bufferBody(JSON.stringify(doc)), cond);
}
