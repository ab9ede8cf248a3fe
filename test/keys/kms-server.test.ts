// The KMS test server speaks AWS's protocol and rules: checked with the real SDK, call by call, so the
// provider tests above it can trust what it answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMS } from '@aws-sdk/client-kms';
import { startKmsServer } from '../support/kms-service.ts';
import type { KmsServer } from '../kms-server/server.ts';

let server: KmsServer;
let kms: KMS;
beforeAll(async () => {
  server = await startKmsServer();
  kms = new KMS({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 's' } });
});
afterAll(() => server.close());

const errName = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);
const ctx = { 'coffer:vault': 'v1', 'coffer:object': 'o1', 'coffer:kind': 'data' };

async function newKey(): Promise<string> {
  return (await kms.createKey({ Description: 'test' })).KeyMetadata?.Arn as string;
}

describe('KMS test server', () => {
  it('GenerateDataKey and Decrypt round-trip with the context as AAD; the blob hides the key', async () => {
    const arn = await newKey();
    const dk = await kms.generateDataKey({ KeyId: arn, KeySpec: 'AES_256', EncryptionContext: ctx });
    expect(dk.KeyId).toBe(arn);
    expect(dk.Plaintext).toHaveLength(32);
    expect(Buffer.from(dk.CiphertextBlob as Uint8Array).includes(Buffer.from(dk.Plaintext as Uint8Array))).toBe(false);
    const back = await kms.decrypt({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ctx });
    expect(Buffer.from(back.Plaintext as Uint8Array)).toEqual(Buffer.from(dk.Plaintext as Uint8Array));
    expect(await errName(kms.decrypt({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { ...ctx, 'coffer:object': 'o2' } })))
      .toBe('InvalidCiphertextException');
    const tampered = Buffer.from(dk.CiphertextBlob as Uint8Array);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    expect(await errName(kms.decrypt({ CiphertextBlob: tampered, EncryptionContext: ctx }))).toBe('InvalidCiphertextException');
    const other = await newKey();
    expect(await errName(kms.decrypt({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ctx, KeyId: other }))).toBe('IncorrectKeyException');
  });

  it('Encrypt, ReEncrypt, aliases and listings', async () => {
    const a = await newKey();
    const b = await newKey();
    await kms.createAlias({ AliasName: 'alias/server-test', TargetKeyId: a });
    expect(await errName(kms.createAlias({ AliasName: 'alias/server-test', TargetKeyId: b }))).toBe('AlreadyExistsException');
    const enc = await kms.encrypt({ KeyId: 'alias/server-test', Plaintext: Buffer.from('hi'), EncryptionContext: ctx });
    expect(enc.KeyId).toBe(a);
    const re = await kms.reEncrypt({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: b, DestinationEncryptionContext: {} });
    expect([re.SourceKeyId, re.KeyId]).toEqual([a, b]);
    expect(Buffer.from((await kms.decrypt({ CiphertextBlob: re.CiphertextBlob })).Plaintext as Uint8Array).toString()).toBe('hi');
    expect((await kms.listKeys({})).Keys?.map((k) => k.KeyArn)).toEqual(expect.arrayContaining([a, b]));
    expect((await kms.listAliases({})).Aliases).toEqual(expect.arrayContaining([expect.objectContaining({ AliasName: 'alias/server-test', TargetKeyId: a.split('/')[1] })]));
  });

  it('follows the key-state rules and error names of AWS', async () => {
    const arn = await newKey();
    await kms.disableKey({ KeyId: arn });
    expect(await errName(kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 }))).toBe('DisabledException');
    await kms.enableKey({ KeyId: arn });
    for (const days of [6, 31]) expect(await errName(kms.scheduleKeyDeletion({ KeyId: arn, PendingWindowInDays: days }))).toBe('ValidationException');
    for (const days of [89, 2561]) expect(await errName(kms.enableKeyRotation({ KeyId: arn, RotationPeriodInDays: days }))).toBe('ValidationException');
    const sched = await kms.scheduleKeyDeletion({ KeyId: arn, PendingWindowInDays: 7 });
    expect(sched.KeyState).toBe('PendingDeletion');
    expect(await errName(kms.encrypt({ KeyId: arn, Plaintext: Buffer.from('x') }))).toBe('KMSInvalidStateException');
    expect(await errName(kms.enableKey({ KeyId: arn }))).toBe('KMSInvalidStateException');
    await kms.cancelKeyDeletion({ KeyId: arn });
    expect((await kms.describeKey({ KeyId: arn })).KeyMetadata?.KeyState).toBe('Disabled');
    expect(await errName(kms.describeKey({ KeyId: '00000000-0000-0000-0000-000000000000' }))).toBe('NotFoundException');
    expect(await errName(kms.describeKey({ KeyId: 'alias/none' }))).toBe('NotFoundException');
  });

  it('rotates on demand (at most 10 times) and lists rotations in pages', async () => {
    const arn = await newKey();
    const first = await kms.encrypt({ KeyId: arn, Plaintext: Buffer.from('old') });
    for (let i = 0; i < 10; i++) await kms.rotateKeyOnDemand({ KeyId: arn });
    expect(await errName(kms.rotateKeyOnDemand({ KeyId: arn }))).toBe('LimitExceededException');
    const page = await kms.listKeyRotations({ KeyId: arn, Limit: 4 });
    expect(page.Rotations).toHaveLength(4);
    expect(page.Truncated).toBe(true);
    const rest = await kms.listKeyRotations({ KeyId: arn, Marker: page.NextMarker });
    expect(rest.Rotations).toHaveLength(6);
    expect(rest.Rotations?.every((r) => r.RotationType === 'ON_DEMAND')).toBe(true);
    expect(Buffer.from((await kms.decrypt({ CiphertextBlob: first.CiphertextBlob })).Plaintext as Uint8Array).toString()).toBe('old');
  });

  it('throttles on request and records every call in the trail', async () => {
    const arn = await newKey();
    server.throttle(1, 'DescribeKey');
    expect(await errName(kms.describeKey({ KeyId: arn }))).toBe('ThrottlingException');
    expect((await kms.describeKey({ KeyId: arn })).KeyMetadata?.Arn).toBe(arn);
    const trail = server.trail(arn);
    expect(trail.map((e) => [e.op, e.error])).toEqual([['CreateKey', undefined], ['DescribeKey', 'ThrottlingException'], ['DescribeKey', undefined]]);
    expect(trail[0]).toMatchObject({ accessKeyId: 'AKIDSERVER', region: 'us-east-1' });
  });

  it('refuses an unsigned request', async () => {
    const r = await fetch(server.endpoint, {
      method: 'POST', body: '{}',
      headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' },
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });
});
