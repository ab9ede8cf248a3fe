// Settings changes from the Settings view (EngineVaultService.updateSettings): validated before anything is
// saved, so a vault stays openable, and the bandwidth limit applies to the running vault's stores.
import { afterEach, describe, expect, it } from 'vitest';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalVault } from '../../src-main/engine/vault/local-vault.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { errorCodeOf } from '../../src-main/ipc/errors.ts';
import type { BlobBody } from '../../src-main/engine/ports/blob-store.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import { s3TestConfig } from '../support/s3-env.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { freshRemote, sandbox, type Sandbox } from './harness.ts';

let sb: Sandbox | undefined;
const services: EngineVaultService[] = [];
const vaults: LocalVault[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const v of vaults.splice(0)) await v.close();
  await sb?.cleanup();
  sb = undefined;
});

async function setUp(kind: 'file' | 's3', clock?: FakeClock) {
  sb = await sandbox();
  const r = await freshRemote(kind, sb);
  const env = clock ? { ...sb.env, clock } : sb.env;
  const { vault } = await LocalVault.init(env, { folder: sb.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase' });
  vaults.push(vault);
  const service = new EngineVaultService(vault);
  services.push(service);
  return { vault, service, env };
}

/** A body in 16 KiB chunks, as a file stream would arrive. */
function chunked(size: number): BlobBody {
  const data = Buffer.alloc(size, 5);
  return { size, open: () => Readable.from((function* () { for (let i = 0; i < size; i += 16 << 10) yield data.subarray(i, i + (16 << 10)); })()) };
}

describe('settings changes', () => {
  it('refuses SSE for a file:// vault with a clear 400, saves nothing, and the vault still opens', async () => {
    const { vault, service, env } = await setUp('file');
    await writeFile(join(sb!.folder, '.cofferignore'), '*.tmp\n');
    const before = await readFile(vault.paths.settings, 'utf8');
    const err = await service.updateSettings({ sse: 'aes256', retentionDays: 7, ignoreRules: 'changed\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/settings not changed: server-side encryption \(--sse aes256\) applies to S3 only, not to file:\/\//);
    expect(errorCodeOf(err)).toBe('invalid-request');
    expect(await readFile(vault.paths.settings, 'utf8')).toBe(before);
    expect(await readFile(join(sb!.folder, '.cofferignore'), 'utf8')).toBe('*.tmp\n');
    expect(vault.settings).toMatchObject({ sse: 'none', retentionDays: 30 });
    expect(await service.settings()).toMatchObject({ sse: 'none', retentionDays: 30 });
    const again = await LocalVault.open(env, sb!.folder);
    vaults.push(again);
    expect(again.settings.sse).toBe('none');
  });

  it('a valid change is saved and seen by the running vault', async () => {
    const { vault, service, env } = await setUp('file');
    expect(await service.updateSettings({ retentionDays: 7, launchAtLogin: true })).toMatchObject({ retentionDays: 7, launchAtLogin: true });
    expect(vault.settings.retentionDays).toBe(7);
    const again = await LocalVault.open(env, sb!.folder);
    vaults.push(again);
    expect(again.settings).toMatchObject({ retentionDays: 7, launchAtLogin: true });
  });

  it('padding: a change is saved and seen by the running vault; a bad value is refused with a 400 and nothing saved', async () => {
    const { vault, service, env } = await setUp('file');
    expect((await service.settings()).padding).toBe('off');
    const before = await readFile(vault.paths.settings, 'utf8');
    const err = await service.updateSettings({ padding: 'pad' as 'off', retentionDays: 7 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/settings not changed: .*padding must be off or padme, not "pad"/s);
    expect(errorCodeOf(err)).toBe('invalid-request');
    expect(await readFile(vault.paths.settings, 'utf8')).toBe(before);
    expect(vault.settings).toMatchObject({ padding: 'off', retentionDays: 30 });

    expect(await service.updateSettings({ padding: 'padme' })).toMatchObject({ padding: 'padme' });
    expect(vault.settings.padding).toBe('padme');
    const again = await LocalVault.open(env, sb!.folder);
    vaults.push(again);
    expect(again.settings.padding).toBe('padme');
  });

  it('a new bandwidth limit applies to the running vault\'s store at once, and 0 lifts it', async () => {
    const clock = new FakeClock();
    const { vault, service } = await setUp('file', clock);
    await vault.store.put('objects/probe-a', chunked(1 << 20));
    expect(clock.sleeps).toEqual([]);

    await service.updateSettings({ bandwidthLimitKiBps: 128 });
    let t0 = clock.now();
    await vault.store.put('objects/probe-b', chunked(1 << 20));
    // 1 MiB at 128 KiB/s with a 1 s burst: 7 s of clock time, give or take a chunk.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(((1024 - 128 - 16) / 128) * 1000);
    t0 = clock.now();
    expect((await readAll(await vault.store.get('objects/probe-b'))).length).toBe(1 << 20);
    // Downloads have their own bucket; the folder store reads 64 KiB chunks, and the last one is borrowed.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(((1024 - 128 - 64) / 128) * 1000);
    // The key slots share the limit: they are the same destination.
    expect(vault.stores.bandwidth.kibps).toBe(128);

    await service.updateSettings({ bandwidthLimitKiBps: 0 });
    const sleeps = clock.sleeps.length;
    await vault.store.put('objects/probe-c', chunked(1 << 20));
    expect(clock.sleeps.length).toBe(sleeps);
    expect(vault.settings.bwlimitKiBps).toBeUndefined();
  });

  it.skipIf(!s3TestConfig())('on S3: SSE-C cannot be switched on for an existing vault; a new SSE-KMS mode applies to the next write', async () => {
    const { vault, service } = await setUp('s3');
    const before = await readFile(vault.paths.settings, 'utf8');
    await expect(service.updateSettings({ sse: 'c' })).rejects.toThrow(/settings not changed: SSE-C cannot be switched on for an existing vault/);
    expect(await readFile(vault.paths.settings, 'utf8')).toBe(before);
    expect(await service.updateSettings({ sse: 'aes256' })).toMatchObject({ sse: 'aes256' });

    // Ceph RGW reports SSE-KMS but not SSE-S3 (keys-lifecycle/sse.test.ts), so the running store is seen through KMS.
    await vault.changeSettings({ sse: 'aws:kms', sseKmsKeyId: 'testkey-1' });
    await vault.store.put('objects/probe-kms', chunked(1000));
    const cfg = s3TestConfig()!;
    const s3 = new S3Client({
      endpoint: cfg.endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    });
    try {
      const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(vault.settings.remote)!;
      const res = await s3.send(new HeadObjectCommand({ Bucket: m[1]!, Key: `${m[2]}/objects/probe-kms` }));
      expect({ sse: res.ServerSideEncryption, key: res.SSEKMSKeyId }).toEqual({ sse: 'aws:kms', key: 'testkey-1' });
    } finally {
      s3.destroy();
    }
    expect((await readAll(await vault.store.get('objects/probe-kms'))).length).toBe(1000);
  });
});
