import { describe, expect, it } from 'vitest';
import { ReadOnlyStore } from '../../src-main/engine/store/read-only-store.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { UnsupportedError } from '../../src-main/engine/ports/store-errors.ts';

describe('ReadOnlyStore', () => {
  it('refuses put and delete with a clear error, and the inner store is untouched', async () => {
    const inner = new MemoryStore();
    await inner.put('k', bufferBody('original'));
    const ro = new ReadOnlyStore(inner);
    await expect(ro.put('k', bufferBody('changed'))).rejects.toThrow(UnsupportedError);
    await expect(ro.put('k', bufferBody('changed'))).rejects.toThrow(/read-only: refusing to write k/);
    await expect(ro.delete('k')).rejects.toThrow(/read-only: refusing to delete k/);
    expect((await readAll(await ro.get('k'))).toString()).toBe('original');
    expect((await ro.head('k'))?.size).toBe(8);
  });
});
