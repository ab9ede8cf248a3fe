// The local cache of opened roots and segments: a file it wrote comes back without the schema (its digest
// vouches for it), a damaged one is fetched again, and a file of the older layout still passes the schema.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectCache } from '../../src-main/engine/manifest/object-cache.ts';

interface Seg { entries: { path: string; size: number }[] }
const SEG: Seg = { entries: [{ path: 'a.txt', size: 3 }, { path: 'b/c.txt', size: 12 }] };
const isSeg = (raw: unknown): Seg => {
  const entries = (raw as Seg | null)?.entries;
  if (!Array.isArray(entries) || !entries.every((e) => typeof e.path === 'string' && typeof e.size === 'number')) throw new Error('not a segment');
  return { entries: entries.map((e) => ({ path: e.path, size: e.size })) };
};

describe('ObjectCache', () => {
  let dir: string;
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** A read through a fresh cache (a new process), counting the fetches and the schema checks. */
  async function readBack(id: string) {
    const calls = { load: 0, parse: 0 };
    const value = await new ObjectCache(dir).get(id, async () => (calls.load++, SEG), (raw) => (calls.parse++, isSeg(raw)));
    return { value, calls };
  }

  it('returns what it wrote, in a new process, without fetching it or checking it against the schema again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-cache-'));
    expect((await readBack('s1')).calls).toEqual({ load: 1, parse: 0 });
    const text = await readFile(join(dir, 's1.json'), 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n\{/);
    expect(await readBack('s1')).toEqual({ value: SEG, calls: { load: 0, parse: 0 } });
  });

  it('keeps an object this process stored for the next process, so its next pass need not fetch it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-cache-'));
    await new ObjectCache(dir).remember('mine', SEG);
    expect(await readBack('mine')).toEqual({ value: SEG, calls: { load: 0, parse: 0 } });
  });

  it('fetches again a file whose JSON was changed, and rewrites it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-cache-'));
    await readBack('s2');
    const file = join(dir, 's2.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"size":12', '"size":13'));
    expect(await readBack('s2')).toEqual({ value: SEG, calls: { load: 1, parse: 0 } });
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('checks a file of the older layout (JSON alone) against the schema once, and fetches it again when it fails', async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-cache-'));
    await writeFile(join(dir, 'old.json'), JSON.stringify(SEG));
    expect(await readBack('old')).toEqual({ value: SEG, calls: { load: 0, parse: 1 } });
    // Rewritten with its digest: the next read needs neither the bucket nor the schema.
    expect(await readBack('old')).toEqual({ value: SEG, calls: { load: 0, parse: 0 } });
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ entries: [{ path: 7 }] }));
    expect(await readBack('bad')).toEqual({ value: SEG, calls: { load: 1, parse: 1 } });
  });
});
