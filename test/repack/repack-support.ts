// Shared set-up for the repack tests: a vault on a fake clock, synced with its maintenance around each pass.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { OBJECTS_PREFIX, objectIdFromKey } from '../../src-main/engine/objects/object-keys.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { afterEach } from 'vitest';
import { freshRemote, sandbox, type RemoteKind, type Sandbox } from '../engine/harness.ts';

export const DAY = 86_400_000;

export interface RepackVault {
  vault: LocalVault;
  syncer: MaintainedSyncer;
  clock: FakeClock;
  t0: number;
}

/** A vault on `kind`, whose passes run with maintenance (the daily prune, and the repack after it). */
export async function repackVault(sb: Sandbox, kind: RemoteKind, wrapStore?: (s: BlobStore) => BlobStore): Promise<RepackVault> {
  const clock = new FakeClock(Date.now());
  const r = await freshRemote(kind, sb);
  const env = { ...sb.env, clock, ...(wrapStore ? { wrapStore } : {}) };
  const { vault } = await LocalVault.init(env, { folder: sb.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase' });
  return { vault, syncer: new MaintainedSyncer(vault), clock, t0: clock.now() };
}

/**
 * For a describe block: a fresh sandbox and repack vault per test, closed and removed after each one
 * (the vault's syncer and journal first, so nothing writes into a folder being removed).
 */
export function repackTests(): { sandbox(): Promise<Sandbox>; vault(sb: Sandbox, kind: RemoteKind, wrapStore?: (s: BlobStore) => BlobStore): Promise<RepackVault> } {
  let sb: Sandbox | undefined;
  let rv: RepackVault | undefined;
  afterEach(async () => {
    await rv?.syncer.close();
    await rv?.vault.close();
    rv = undefined;
    await sb?.cleanup();
    sb = undefined;
  });
  return {
    sandbox: async () => (sb = await sandbox()),
    vault: async (s, kind, wrapStore) => (rv = await repackVault(s, kind, wrapStore)),
  };
}

/** `n` small files of `size` random bytes each: f00.bin, f01.bin, … (they go into one pack). */
export async function writeSmallFiles(folder: string, n: number, size: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `f${String(i).padStart(2, '0')}.bin`;
    await writeFile(join(folder, name), randomBytes(size));
    names.push(name);
  }
  return names;
}

/** The head's file entries by path. */
export async function headFiles(vault: LocalVault): Promise<Map<string, FileEntry>> {
  const head = await vault.manifest.readHead();
  if (!head) throw new Error('no head');
  const tree = await vault.manifest.readTree(await vault.manifest.readRoot(head.head.rootId));
  return new Map([...tree].filter(([, e]) => e.type === 'file'));
}

/** Object ids and their stored sizes under objects/. */
export async function storedObjects(vault: LocalVault): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const o of vault.store.list(OBJECTS_PREFIX)) {
    const id = objectIdFromKey(o.key);
    if (id) out.set(id, o.size);
  }
  return out;
}

export const totalBytes = (objects: Map<string, number>) => [...objects.values()].reduce((a, b) => a + b, 0);

/** The one pack the named files' chunks sit in (throws when they are spread over several). */
export function packOf(files: Map<string, FileEntry>, names: string[]): string {
  const packs = new Set(names.map((n) => files.get(n)?.chunks?.[0]?.object));
  if (packs.size !== 1) throw new Error(`expected one pack, got ${[...packs].join(', ')}`);
  return [...packs][0]!;
}
