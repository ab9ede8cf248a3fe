// Device records (devices/<id>): written at init, by a v1 vault's first sync, create-only; read back as
// names for history; "last seen" from the roots.
import { namesFromRecords } from '../../src-main/engine/use-cases/history-names.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultRegistry } from '../../src-main/engine/vault/registry.ts';
import { vaultPaths } from '../../src-main/engine/vault/state-dir.ts';
import { defaultSettings, saveSettings } from '../../src-main/engine/journal/settings-store.ts';
import {
  devicesLastSeen, readDeviceRecords, writeDeviceRecord,
} from '../../src-main/engine/vault/device-records.ts';
import { queryHistory } from '../../src-main/engine/use-cases/vault-ops.ts';
import { syncOnce } from '../../src-main/engine/use-cases/sync-ops.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import { s3TestConfig } from '../support/s3-env.ts';
import { TEST_KDF, initVault, sandbox, type RemoteKind, type Sandbox } from './harness.ts';

/** Records the key of every head and put, so a test can tell which objects a pass asked about. */
class KeyLog extends ForwardingStore {
  readonly keys: string[] = [];
  override head(key: string) {
    this.keys.push(key);
    return super.head(key);
  }
  override put(...args: Parameters<BlobStore['put']>) {
    this.keys.push(args[0]);
    return super.put(...args);
  }
}

const kinds: RemoteKind[] = s3TestConfig() ? ['file', 's3'] : ['file'];
const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.cleanup();
});

describe.each(kinds)('device records (%s remote)', (kind) => {
  it('init writes this device\'s record, sealed; a second write keeps the first (create-only)', async () => {
    const sb = await sandbox();
    boxes.push(sb);
    const { vault } = await initVault(sb, kind);
    const id = vault.settings.deviceId;
    const records = await readDeviceRecords(vault);
    expect(records).toEqual([{ format: 'coffer-device', v: 1, id, name: hostname(), member: null, createdAt: expect.any(String) }]);
    // The bucket holds ciphertext: neither the name nor the format tag is readable there.
    const raw = await readAll(await vault.store.get(`devices/${id}`));
    expect(raw.includes(Buffer.from('coffer-device'))).toBe(false);
    expect(raw.includes(Buffer.from(hostname()))).toBe(false);

    const again = await writeDeviceRecord(vault, { name: 'renamed' });
    expect(again).toEqual(records[0]);
    expect(await readDeviceRecords(vault)).toEqual(records);
    const names = namesFromRecords(await readDeviceRecords(vault));
    expect(names.device(id)?.name).toBe(hostname());
    expect(names.device('0123456789abcdef')).toBeUndefined();
    await vault.close();
  });
});

describe('device records of other vaults and of v1 vaults', () => {
  it('objects under devices/ that are not this vault\'s records are left out', async () => {
    const sb = await sandbox();
    boxes.push(sb);
    const { vault } = await initVault(sb, 'file');
    const id = vault.settings.deviceId;
    const mine = await readAll(await vault.store.get(`devices/${id}`));
    // A copy of a real record under another id (the id is in its encryption context) and plain junk.
    await vault.store.put('devices/feedfacefeedface', bufferBody(mine));
    await vault.store.put('devices/0000000000000000', bufferBody('{"format":"coffer-device","v":1}'));
    expect((await readDeviceRecords(vault)).map((r) => r.id)).toEqual([id]);
    await vault.close();
  });

  it('a v1 vault (the frozen vector) gets this device\'s record at its first sync, once, and still restores', async () => {
    const sb = await sandbox();
    boxes.push(sb);
    const vector = fileURLToPath(new URL('../vectors/v1/', import.meta.url));
    const expected = JSON.parse(await readFile(join(vector, 'expected.json'), 'utf8')) as { vaultId: string; snapshots: { time: string; entries: unknown[] }[] };
    const passphrase = (await readFile(join(vector, 'passphrase.txt'), 'utf8')).replace(/\n$/, '');
    const bucket = join(sb.root, 'bucket');
    await cp(join(vector, 'bucket'), bucket, { recursive: true });
    expect(await readdir(bucket)).not.toContain('devices');
    // This machine attaches to the vault by hand (as `coffer join` will): its own state, folder and id.
    const deviceId = 'c0ffee00c0ffee00';
    await saveSettings(vaultPaths(sb.home, expected.vaultId).settings, defaultSettings({
      vaultId: expected.vaultId, folder: sb.folder, remote: `file://${bucket}`, keyRef: 'passphrase', deviceId,
    }));
    await new VaultRegistry(sb.home).add(expected.vaultId, sb.folder);
    const logs: KeyLog[] = [];
    const env = {
      ...sb.env, passphrase: async () => passphrase, kdf: TEST_KDF,
      wrapStore: (s: BlobStore) => { const l = new KeyLog(s); logs.push(l); return l; },
    };
    const vault = await LocalVault.open(env, sb.folder);
    expect(await readDeviceRecords(vault)).toEqual([]);
    const vectorDevice = (await vault.manifest.readHead())!.head.device;
    await vault.restore(sb.folder);

    await syncOnce(vault);
    expect((await readDeviceRecords(vault)).map((r) => [r.id, r.name, r.member])).toEqual([[deviceId, hostname(), null]]);
    // Known now: the next pass asks the bucket nothing about it.
    const asked = () => logs.flatMap((l) => l.keys).filter((k) => k.startsWith('devices/'));
    expect(asked()).toEqual([`devices/${deviceId}`, `devices/${deviceId}`]); // is it there? then the create-only put
    await syncOnce(vault);
    expect(asked()).toHaveLength(2);

    // The vector's own device wrote every root before this one came: its newest is its last seen.
    const lastSeen = await devicesLastSeen(vault);
    const newest = expected.snapshots.map((s) => s.time).sort().at(-1);
    expect(lastSeen.get(vectorDevice)).toBe(newest);
    expect((await devicesLastSeen(vault, 1)).size).toBe(1);
    const out = join(sb.root, 'out');
    await mkdir(out);
    await vault.restore(out);
    expect((await readdir(out)).sort()).toEqual((await readdir(sb.folder)).sort());
    await vault.close();
  });

  it('history entries that name a device or member get their names; others are left as they are', async () => {
    const sb = await sandbox();
    boxes.push(sb);
    const { vault } = await initVault(sb, 'file');
    const id = vault.settings.deviceId;
    await writeFile(join(sb.folder, 'x.txt'), 'x');
    await syncOnce(vault);
    // The entries a pull writes (helper "merge" adds the fields to the log): stand in for the log here.
    const entries = [
      { time: new Date().toISOString(), action: 'upload' as const, path: 'mine.txt' },
      { time: new Date().toISOString(), action: 'upload' as const, path: 'theirs.txt', device: id, member: 'm1' },
      { time: new Date().toISOString(), action: 'delete' as const, path: 'gone.txt', device: 'ffffffffffffffff' },
    ];
    vault.queryHistory = async () => ({ entries, total: 3 });
    const r = await queryHistory(vault, {}, { memberNames: (m) => (m === 'm1' ? 'Ada' : undefined) });
    expect(r.entries).toEqual([
      entries[0],
      { ...entries[1], deviceName: hostname(), memberName: 'Ada' },
      entries[2],
    ]);
    await vault.close();
  });
});
