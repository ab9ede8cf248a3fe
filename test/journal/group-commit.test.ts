import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommitWriter } from '../../src-main/engine/journal/group-commit.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-gc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real file handle that counts fsyncs and can be told to fail. */
async function countingHandle(path: string, failWrite = false) {
  const fh = await open(path, 'a');
  const calls = { datasync: 0 };
  const handle = {
    write: (...args: Parameters<FileHandle['write']>) =>
      failWrite ? Promise.reject(Object.assign(new Error('EIO: simulated'), { code: 'EIO' })) : fh.write(...args),
    datasync: () => {
      calls.datasync++;
      return fh.datasync();
    },
    close: () => fh.close(),
  } as unknown as FileHandle;
  return { handle, calls };
}

describe('GroupCommitWriter', () => {
  it('covers many concurrent appends with few fsyncs, in order, reporting each durable item', async () => {
    const path = join(dir, 'f');
    const { handle, calls } = await countingHandle(path);
    const durable: number[] = [];
    const w = new GroupCommitWriter<number>(handle, (items) => durable.push(...items));
    const n = 1000;
    await Promise.all(Array.from({ length: n }, (_, i) => w.append(Buffer.from(`${i}\n`), i)));
    expect(calls.datasync).toBeGreaterThan(0);
    expect(calls.datasync).toBeLessThan(n / 10);
    expect(durable).toEqual(Array.from({ length: n }, (_, i) => i));
    expect((await readFile(path, 'utf8')).trim().split('\n').map(Number)).toEqual(durable);
    await w.close(new Error('closed'));
  });

  it('after a failed write, rejects that batch and every later append', async () => {
    const { handle } = await countingHandle(join(dir, 'f'), true);
    const durable: string[] = [];
    const w = new GroupCommitWriter<string>(handle, (items) => durable.push(...items));
    const results = await Promise.allSettled([w.append(Buffer.from('a'), 'a'), w.append(Buffer.from('b'), 'b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(w.append(Buffer.from('c'), 'c')).rejects.toThrow(/EIO/);
    expect(durable).toEqual([]);
    await w.close(new Error('closed'));
  });
});
