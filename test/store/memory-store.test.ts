import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { describeBlobStoreConformance } from './conformance.ts';

describeBlobStoreConformance('MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => undefined }));
describeBlobStoreConformance('MemoryStore with a prefix', async () => ({
  store: new MemoryStore({ prefix: 'vaults/one' }), cleanup: async () => undefined,
}));

describe('MemoryStore prefix', () => {
  it('keeps keys under its prefix and hides the prefix from callers', async () => {
    const objects = new MemoryStore().backing;
    const a = new MemoryStore({ prefix: '/a/', objects });
    const root = new MemoryStore({ objects });
    await a.put('k', bufferBody('in a'));
    expect([...objects.keys()]).toEqual(['a/k']);
    expect((await readAll(await root.get('a/k'))).toString()).toBe('in a');
    const listed = [];
    for await (const b of a.list('')) listed.push(b.key);
    expect(listed).toEqual(['k']);
    expect(a.location).toBe('memory:a/');
  });
});
