import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  FileChangedWhileReadingError, openStableFile, readStable, sha256File,
} from '../../src-main/engine/scan/stable-read.ts';
import { tempTree } from './temp-tree.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function tree(files: Record<string, string>) {
  const t = await tempTree(files);
  cleanup = t.cleanup;
  return t.root;
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describe('stable reads', () => {
  it('hashes a quiet file and returns the stat it had', async () => {
    const root = await tree({ 'f.bin': 'x'.repeat(5000) });
    const r = await sha256File(join(root, 'f.bin'), { chunkSize: 1000 });
    expect(r.hash).toBe(sha('x'.repeat(5000)));
    expect(r.size).toBe(5000);
    expect(r.stat.size).toBe(5000);
  });

  it('detects a torn read (appends while hashing) and re-reads to a consistent hash', async () => {
    const root = await tree({ 'grow.log': 'start\n'.repeat(1000) });
    const path = join(root, 'grow.log');
    let appendsLeft = 3;
    let attempts = 0;
    const r = await sha256File(path, {
      chunkSize: 64, // a slow, many-chunk read so the write lands mid-read
      attempts: 5,
      onProgress: (bytes) => {
        if (bytes === 64) attempts++;
        // The writer appends during the first attempts only, after the first chunk of each.
        if (bytes === 128 && appendsLeft > 0) {
          appendsLeft--;
          appendFileSync(path, 'more\n');
        }
      },
    });
    const final = await readFile(path);
    expect(attempts).toBe(4); // three torn reads detected, the fourth was clean
    expect(r.hash).toBe(sha(final));
    expect(r.size).toBe(final.length);
  });

  it('gives up with "changed while reading" when the file keeps changing', async () => {
    const root = await tree({ 'busy.txt': 'aaaa' });
    const path = join(root, 'busy.txt');
    const err = await sha256File(path, { chunkSize: 2, attempts: 2, onProgress: () => appendFileSync(path, 'b') }).catch((e) => e);
    expect(err).toBeInstanceOf(FileChangedWhileReadingError);
    expect(err.message).toMatch(/changed while reading \(2 attempts\)/);
    expect(err.code).toBe('ECHANGED');
  });

  it('detects a same-size in-place rewrite (mtime/ctime move)', async () => {
    const root = await tree({ 'f.txt': 'aaaa' });
    const path = join(root, 'f.txt');
    const f = await openStableFile(path);
    try {
      await new Promise((r) => setTimeout(r, 5));
      writeFileSync(path, 'bbbb');
      expect(await f.verifyUnchanged()).toBe(false);
    } finally {
      await f.close();
    }
  });

  it('detects a file renamed over the path while the old one was being read', async () => {
    const root = await tree({ 'doc.txt': 'old', 'doc.new': 'new' });
    const path = join(root, 'doc.txt');
    let first = true;
    const { value } = await readStable(path, async (file) => {
      const buf = Buffer.alloc(16);
      const { bytesRead } = await file.handle.read(buf, 0, 16, 0);
      if (first) {
        first = false;
        renameSync(join(root, 'doc.new'), path); // an editor's atomic save
      }
      return buf.subarray(0, bytesRead).toString();
    });
    expect(value).toBe('new');
  });

  it('refuses symlinks and FIFOs instead of following or blocking on them', async () => {
    const root = await tree({ 'real.txt': 'r' });
    await symlink(join(root, 'real.txt'), join(root, 'link'));
    await expect(openStableFile(join(root, 'link'))).rejects.toMatchObject({ code: 'ELOOP' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    await expect(openStableFile(join(root, 'pipe'))).rejects.toThrow(/not a regular file/);
  });

  it('rejects a non-positive attempt count with a clear error', async () => {
    const root = await tree({ 'f': 'x' });
    await expect(readStable(join(root, 'f'), async () => 1, { attempts: 0 })).rejects.toThrow(/attempts must be a positive integer/);
  });

  it('hashes an empty file', async () => {
    const root = await tree({});
    await writeFile(join(root, 'empty'), '');
    await rename(join(root, 'empty'), join(root, 'empty2'));
    expect((await sha256File(join(root, 'empty2'))).hash).toBe(sha(''));
  });
});
