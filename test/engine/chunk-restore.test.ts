// Restoring one file of a format 4 vault reads that file's own chunk messages (one Range GET of its pack
// each) and nothing of other files' content; an edited version shares its unchanged chunks with the
// version before (both restore).
import { describe, it, expect, afterEach } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLog, readOf, type LoggedGet } from '../support/get-log.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { initVault, sandbox, type Sandbox } from './harness.ts';

const MiB = 1024 * 1024;

describe('restoring one chunked file', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('reads only its own chunks, and an edited version shares the unchanged ones', async () => {
    sb = await sandbox();
    const log: LoggedGet[] = [];
    sb.env.wrapStore = (inner) => new GetLog(inner, log);
    // Every GET of an object as "object@first byte" ("object@all": a whole read).
    const gets = () => log.filter((g) => g.id).map((g) => readOf(g, 'id'));
    const files = { 'a.bin': randomBytes(6 * MiB), 'b.bin': randomBytes(7 * MiB), 'c.bin': randomBytes(5 * MiB) };
    for (const [name, data] of Object.entries(files)) await writeFile(join(sb.folder, name), data);
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    const v1 = (await vault.tree()).tree.get('b.bin')!;
    // Version 2 of b.bin: 64 KiB changed in its middle.
    const edited = Buffer.from(files['b.bin']);
    randomBytes(64 * 1024).copy(edited, 3 * MiB);
    await writeFile(join(sb.folder, 'b.bin'), edited);
    await syncer.sync();
    await syncer.close();
    const { tree } = await vault.tree();
    const v2 = tree.get('b.bin')!;
    // A chunk is read as its message: one range of its pack.
    const chunkRead = (c: { object: string; offset: number }) => `${c.object}@${c.offset}`;
    expect(v2.chunks!.every((c) => c.kind === 'chunk')).toBe(true);
    const own = new Set(v2.chunks!.map(chunkRead));
    const others = new Set(['a.bin', 'c.bin'].flatMap((p) => tree.get(p)!.chunks!.map(chunkRead)));
    expect(v2.chunks!.length).toBeGreaterThan(2);
    expect(v2.chunks!.filter((c) => v1.chunks!.some((o) => o.message === c.message)).length).toBeGreaterThanOrEqual(v2.chunks!.length - 3);

    log.length = 0;
    const out = join(sb.root, 'restored');
    const report = await vault.restore(out, { path: 'b.bin' });
    expect(report.problems).toEqual([]);
    expect((await readFile(join(out, 'b.bin'))).equals(edited)).toBe(true);
    const dataGets = gets().filter((id) => own.has(id) || others.has(id));
    // Each of its chunks once, by range (no whole pack); not one chunk of the other files.
    expect(dataGets.sort()).toEqual([...own].sort());
    expect(gets().filter((id) => others.has(id))).toEqual([]);
    const packs = new Set([...tree.values()].flatMap((f) => (f.chunks ?? []).map((c) => c.object)));
    expect(gets().filter((id) => id.endsWith('@all') && packs.has(id.slice(0, 32)))).toEqual([]);

    // The first version restores too, from its own chunks (shared ones included).
    const past = join(sb.root, 'past');
    log.length = 0;
    const first = (await vault.versions('b.bin')).at(-1)!;
    expect((await vault.restore(past, { path: 'b.bin', at: new Date(first.time) })).problems).toEqual([]);
    expect((await readFile(join(past, 'b.bin'))).equals(files['b.bin'])).toBe(true);
    expect(gets().filter((id) => others.has(id))).toEqual([]);
    await vault.close();
  });
});
