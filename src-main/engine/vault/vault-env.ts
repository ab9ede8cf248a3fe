import type { BlobStore } from '../ports/blob-store.ts';
import type { OpenStoreOptions } from '../store/open-store.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import type { PhaseTimer } from '../ports/phase-timer.ts';

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
  /** Where the time goes (opening, key unlock, each phase of a pass): `coffer sync --debug`. Default none. */
  phases?: PhaseTimer;
}
