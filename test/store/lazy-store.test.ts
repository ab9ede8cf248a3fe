import { describe, expect, it } from 'vitest';
import { LazyStore } from '../../src-main/engine/store/lazy-store.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { openStore } from '../../src-main/engine/store/open-store.ts';
import { bufferBody } from '../../src-main/engine/store/body.ts';
import { describeBlobStoreConformance } from './conformance.ts';

describeBlobStoreConformance('LazyStore(MemoryStore)', async () => {
  const inner = new MemoryStore();
  return { store: new LazyStore(inner.location, inner.features, async () => inner), cleanup: async () => undefined };
});

describe('LazyStore', () => {
  it('builds its store once, on first use, and not before', async () => {
    let builds = 0;
    const inner = new MemoryStore();
    const lazy = new LazyStore('mem://x', inner.features, async () => {
      builds++;
      return inner;
    });
    expect(builds).toBe(0);
    await Promise.all([lazy.put('a', bufferBody('1')), lazy.put('b', bufferBody('2'))]);
    expect(await lazy.head('a')).not.toBeNull();
    expect(builds).toBe(1);
  });

  it('an S3 destination still refuses bad settings at open, before any SDK is loaded', () => {
    expect(() => openStore('s3://Bad_Bucket')).toThrow(/invalid S3 bucket name/);
    expect(() => openStore('s3://bucket', { endpoint: 'http://example.com:9000' })).toThrow(/refusing plain http/);
    expect(openStore('s3://bucket/pre').location).toBe('s3://bucket/pre/');
  });
});
