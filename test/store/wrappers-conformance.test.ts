// Every wrapper, around a MemoryStore, passes the same suite as the stores themselves.
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { RetryingStore } from '../../src-main/engine/store/retrying-store.ts';
import { BandwidthLimit, BandwidthLimitedStore } from '../../src-main/engine/store/bandwidth-limited-store.ts';
import { SwappableStore } from '../../src-main/engine/store/swappable-store.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import { ReadOnlyStore } from '../../src-main/engine/store/read-only-store.ts';
import { BucketPolicyStore } from '../../src-main/engine/vault/bucket-policy-store.ts';
import { describeBlobStoreConformance } from './conformance.ts';
import { FakeClock, seededRandom } from '../support/fake-clock.ts';

const done = async () => undefined;

describeBlobStoreConformance('RetryingStore(MemoryStore)', async () => ({
  store: new RetryingStore(new MemoryStore(), { clock: new FakeClock(), random: seededRandom(1) }), cleanup: done,
}));

describeBlobStoreConformance('BandwidthLimitedStore(MemoryStore)', async () => ({
  // A fake clock: the limiter's waits are checked in bandwidth tests, not paid here.
  store: new BandwidthLimitedStore(new MemoryStore(), { kibps: 64, clock: new FakeClock() }), cleanup: done,
}));

describeBlobStoreConformance('SwappableStore(MemoryStore), swapped for an unlimited BandwidthLimitedStore over the same objects', async () => {
  const inner = new MemoryStore();
  const store = new SwappableStore(inner);
  store.swap(new BandwidthLimitedStore(inner, new BandwidthLimit(0)));
  return { store, cleanup: done };
});

describeBlobStoreConformance('FaultyStore(MemoryStore) without faults', async () => ({
  store: new FaultyStore(new MemoryStore()), cleanup: done,
}));

describeBlobStoreConformance('BucketPolicyStore(MemoryStore) with a storage class', async () => ({
  store: new BucketPolicyStore(new MemoryStore(), { storageClass: 'STANDARD_IA' }, new FakeClock()), cleanup: done,
}));

describeBlobStoreConformance('ReadOnlyStore(MemoryStore)', async () => {
  const inner = new MemoryStore();
  return { store: new ReadOnlyStore(inner), writer: inner, cleanup: done };
});

describeBlobStoreConformance('RetryingStore(FaultyStore(MemoryStore)) with 30% transient failures', async () => {
  const clock = new FakeClock();
  const faulty = new FaultyStore(new MemoryStore(), {
    // No afterWrite faults here: a retried create after a lost response rightly reports
    // PreconditionFailed, which the conditional tests would read as a wrong answer.
    rules: [{ fraction: 0.3 }],
    random: seededRandom(7),
  });
  return {
    store: new RetryingStore(faulty, { maxAttempts: 30, clock, random: seededRandom(8) }),
    cleanup: async () => {
      // The suite only passes if faults really happened and were retried.
      if (faulty.failures === 0) throw new Error('no fault was injected');
    },
  };
});
