// The AWS KMS provider against the KMS test server, through the real @aws-sdk/client-kms.
import { describe, expect, it } from 'vitest';
import {
  AlgorithmSuiteIdentifier, NodeAlgorithmSuite, NodeDecryptionMaterial, NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { DisableKeyCommand, KMS } from '@aws-sdk/client-kms';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { KeyUnavailableError } from '../../src-main/engine/ports/key-provider.ts';
import { KeyUsageError } from '../../src-main/engine/keys/key-errors.ts';
import { createKmsKey, KmsCiphertextError, KmsKeyError, openKmsKey } from '../../src-main/engine/keys/kms/index.ts';
import { KMS_TEST_ENV } from '../support/kms-service.ts';
import { kmsServerForThisFile } from '../support/kms-per-file.ts';
import { makeContext } from './support/fixtures.ts';
import { FakeClock } from '../support/fake-clock.ts';

const kms = kmsServerForThisFile();
const DAY = 86_400_000;


async function newKey(alias?: string) {
  const ctx = await makeContext();
  const key = await createKmsKey(ctx, alias ? { alias } : {});
  return { ctx, key, sealer: new EsdkSealer(key) };
}

const sdk = () => new KMS({ endpoint: kms().endpoint, region: 'us-east-1', maxAttempts: 1 });
const obj = (vaultId: string, objectId = 'obj-1') => ({ vaultId, objectId, kind: 'data' as const });
const text = (b: Uint8Array) => Buffer.from(b).toString();

describe('aws-kms key provider', () => {
  it('seals and opens through KMS, by alias, key id and ARN', async () => {
    const { ctx, key, sealer } = await newKey('alias/coffer-roundtrip');
    const ct = await sealer.sealBytes(Buffer.from('quarterly numbers'), obj(ctx.vaultId));
    const arn = (await sdk().describeKey({ KeyId: 'alias/coffer-roundtrip' })).KeyMetadata?.Arn as string;
    for (const ref of [key.ref, `aws-kms:${arn}`, `aws-kms:${arn.split('/')[1]}`]) {
      const again = new EsdkSealer(await openKmsKey(ref, ctx));
      expect(text(await again.openBytes(ct, obj(ctx.vaultId)))).toBe('quarterly numbers');
    }
    const st = await key.status();
    expect(st).toMatchObject({ provider: 'aws-kms', type: 'aes-256', state: 'enabled' });
    expect(st.versions).toEqual([expect.objectContaining({ version: 1, current: true })]);
  });

  it('sends KMS only opaque ids: every call maps to vault, object and kind, never a name', async () => {
    const { ctx, key, sealer } = await newKey();
    const ct = await sealer.sealBytes(Buffer.from('secret plans.docx content'), obj(ctx.vaultId, 'f3a9c1'));
    await sealer.openBytes(ct, obj(ctx.vaultId, 'f3a9c1'));
    const arn = (await key.status()).ref.slice('aws-kms:'.length);
    const crypto = kms().trail(arn).filter((e) => e.op === 'GenerateDataKey' || e.op === 'Decrypt');
    expect(crypto.map((e) => e.op)).toEqual(['GenerateDataKey', 'Decrypt']);
    for (const e of crypto) {
      expect(e.encryptionContext).toEqual({ 'coffer:vault': ctx.vaultId, 'coffer:object': 'f3a9c1', 'coffer:kind': 'data' });
    }
    expect(JSON.stringify(kms().trail())).not.toContain('plans');
  });

  it('KMS refuses a data key under a different encryption context', async () => {
    const { key } = await newKey();
    const suite = new NodeAlgorithmSuite(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY);
    const enc = await (await key.encryptKeyring()).onEncrypt(new NodeEncryptionMaterial(suite, { 'coffer:object': 'a' }));
    const dec = (await key.decryptKeyring()).onDecrypt(new NodeDecryptionMaterial(suite, { 'coffer:object': 'b' }), enc.encryptedDataKeys);
    await expect(dec).rejects.toBeInstanceOf(KmsCiphertextError);
    await expect(dec).rejects.toThrow(/encryption context does not match/);
  });

  it('a disabled key refuses both ways with a plain message', async () => {
    const { ctx, key, sealer } = await newKey();
    const ct = await sealer.sealBytes(Buffer.from('x'), obj(ctx.vaultId));
    await sdk().send(new DisableKeyCommand({ KeyId: key.ref.slice(8) }));
    expect((await key.status()).state).toBe('disabled');
    await expect(sealer.sealBytes(Buffer.from('y'), obj(ctx.vaultId))).rejects.toThrow(/is disabled: enable it/);
    const opening = sealer.openBytes(ct, obj(ctx.vaultId));
    await expect(opening).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(opening).rejects.toThrow(/is disabled/);
    const audit = await ctx.audit.list();
    expect(audit.some((e) => e.op === 'unwrap-failed' && /disabled/.test(e.detail ?? ''))).toBe(true);
  });

  it('schedules and cancels deletion; a key pending deletion wraps nothing', async () => {
    const { ctx, key, sealer } = await newKey();
    const ct = await sealer.sealBytes(Buffer.from('keep me'), obj(ctx.vaultId));
    for (const bad of [6, 31, 7.5]) await expect(key.scheduleDeletion(bad)).rejects.toBeInstanceOf(KeyUsageError);
    await expect(key.scheduleDeletion(7, { inUse: true })).rejects.toThrow(/still wraps data keys/);
    const before = Date.now();
    const st = await key.scheduleDeletion(7, { inUse: true, force: true });
    expect(st.state).toBe('pending-deletion');
    const when = Date.parse(st.deletionDate as string);
    expect(when - before).toBeGreaterThanOrEqual(7 * DAY - 1000);
    expect(when - before).toBeLessThan(7 * DAY + 60_000);
    await expect(key.encryptKeyring()).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(sealer.openBytes(ct, obj(ctx.vaultId))).rejects.toThrow(/pending deletion/);
    const back = await key.cancelDeletion();
    expect(back.state).toBe('enabled'); // AWS leaves it Disabled; cancelDeletion enables it again
    expect(text(await sealer.openBytes(ct, obj(ctx.vaultId)))).toBe('keep me');
    const ops = (await ctx.audit.list()).map((e) => e.op);
    expect(ops).toEqual(expect.arrayContaining(['create', 'schedule-deletion', 'cancel-deletion']));
  });

  it('a key whose deletion window passed is reported missing', async () => {
    const { key } = await newKey();
    await key.scheduleDeletion(7, { force: true });
    kms().advance(8 * DAY);
    try {
      const st = await key.status();
      expect(st.state).toBe('missing');
      expect(st.detail).toMatch(/was not found/);
    } finally {
      kms().advance(-8 * DAY);
    }
  });

  it('rotates on demand and on a period; old objects still open', async () => {
    const { ctx, key, sealer } = await newKey();
    const old = await sealer.sealBytes(Buffer.from('v1 data'), obj(ctx.vaultId));
    const st = await key.rotate();
    expect(await key.currentVersion()).toBe(2);
    expect(st.versions.map((v) => [v.version, v.current])).toEqual([[1, false], [2, true]]);
    expect(text(await sealer.openBytes(old, obj(ctx.vaultId)))).toBe('v1 data');
    await expect(key.setRotationPeriod(89)).rejects.toThrow(/from 90 to 2560/);
    await expect(key.setRotationPeriod(2561)).rejects.toBeInstanceOf(KeyUsageError);
    const rot = await key.setRotationPeriod(90);
    expect(rot.rotation).toMatchObject({ enabled: true, periodDays: 90 });
    expect(Date.parse(rot.rotation?.nextRotation as string) - Date.now()).toBeGreaterThan(89 * DAY);
    kms().advance(91 * DAY);
    try {
      expect(await key.currentVersion()).toBe(3); // KMS rotated by itself
      expect(await key.rotateIfDue()).toBe(false);
      expect(text(await sealer.openBytes(old, obj(ctx.vaultId)))).toBe('v1 data');
    } finally {
      kms().advance(-91 * DAY);
    }
    const audit = await ctx.audit.list();
    expect(audit.filter((e) => e.op === 'rotate').map((e) => e.version ?? e.detail)).toEqual([2, 'automatic rotation every 90 days']);
  });

  it('retries throttling with backoff on the injected clock, then gives up plainly', async () => {
    const { ctx, key } = await newKey();
    const clock = new FakeClock(ctx.clock.now());
    const sleeps = clock.sleeps;
    const throttled = await openKmsKey(key.ref, { ...ctx, clock });
    const sealer = new EsdkSealer(throttled);
    await throttled.status();
    kms().throttle(3, 'GenerateDataKey');
    const ct = await sealer.sealBytes(Buffer.from('eventually'), obj(ctx.vaultId));
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(100 * 2 ** i));
    expect(text(await sealer.openBytes(ct, obj(ctx.vaultId)))).toBe('eventually');
    kms().throttle(50, 'GenerateDataKey');
    try {
      const err = await sealer.sealBytes(Buffer.from('never'), obj(ctx.vaultId)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KmsKeyError);
      expect((err as KmsKeyError).problem).toBe('throttled');
      expect(sleeps).toHaveLength(3 + 5); // six attempts, five waits
    } finally {
      kms().throttle(0, 'GenerateDataKey');
    }
  });

  it('a missing key, another account and another region get clear errors', async () => {
    const ctx = await makeContext();
    const missing = await openKmsKey('aws-kms:alias/does-not-exist', ctx);
    expect(await missing.status()).toMatchObject({ state: 'missing', detail: expect.stringMatching(/was not found/) });
    await expect(new EsdkSealer(missing).sealBytes(Buffer.from('x'), obj(ctx.vaultId))).rejects.toThrow(/was not found: check the key id/);

    const foreign = await openKmsKey('aws-kms:arn:aws:kms:us-east-1:999999999999:key/11111111-2222-3333-4444-555555555555', ctx);
    const st = await foreign.status();
    expect(st.state).toBe('error');
    expect(st.detail).toMatch(/access to the KMS key .* was denied .*another account must grant this account/);

    const elsewhere = await openKmsKey(`aws-kms:arn:aws:kms:eu-west-1:${kms().account}:key/11111111-2222-3333-4444-555555555555`, ctx);
    expect(await elsewhere.status()).toMatchObject({ state: 'missing', detail: expect.stringMatching(/region/) });
  });

  it('a write-only device seals but cannot open, and only for its own vault', async () => {
    const { ctx, key } = await newKey();
    // As docs/WRITE-ONLY-DEVICES.md: not even DescribeKey is needed to seal.
    kms().setPolicy('AKIDWRITEONLY', { allow: ['GenerateDataKey', 'Encrypt'], vault: ctx.vaultId });
    const client = new KMS({
      endpoint: kms().endpoint, region: KMS_TEST_ENV.AWS_REGION, maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDWRITEONLY', secretAccessKey: 'device-secret' },
    });
    const deviceKey = await openKmsKey(key.ref, ctx, { client });
    expect(await deviceKey.status()).toMatchObject({ state: 'error', detail: expect.stringMatching(/denied for kms:DescribeKey/) });
    const device = new EsdkSealer(deviceKey);
    const ct = await device.sealBytes(Buffer.from('from the scanner'), obj(ctx.vaultId));
    await expect(device.openBytes(ct, obj(ctx.vaultId))).rejects.toThrow(/denied for kms:Decrypt/);
    await expect(device.sealBytes(Buffer.from('x'), obj('another-vault'))).rejects.toThrow(/denied for kms:GenerateDataKey/);
    expect(text(await new EsdkSealer(key).openBytes(ct, obj(ctx.vaultId)))).toBe('from the scanner');
  });

  it('bad references and an unreachable KMS get clear errors', async () => {
    const ctx = await makeContext();
    await expect(openKmsKey('aws-kms:not a key', ctx)).rejects.toThrow(/bad KMS key "not a key"/);
    await expect(openKmsKey('pkcs11:coffer/x', ctx)).rejects.toBeInstanceOf(KeyUsageError);
    await expect(createKmsKey(ctx, { alias: 'alias/aws/mine' })).rejects.toThrow(/bad alias/);
    const down = await openKmsKey('aws-kms:alias/anything', ctx, { endpoint: 'http://127.0.0.1:9' });
    const st = await down.status();
    expect(st.state).toBe('error');
    expect(st.detail).toMatch(/cannot reach AWS KMS/);
  });
});
