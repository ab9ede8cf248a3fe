// The shared KeyProvider conformance suite for aws-kms, against the run-wide KMS test server
// (test/support/kms-service.ts), reached over HTTP like a real endpoint.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { createKmsKey } from '../../src-main/engine/keys/kms/index.ts';
import { kmsControl, useKmsEndpoint } from '../support/kms-service.ts';
import { describeKeyProviderConformance } from './conformance.ts';
import { makeContext } from './support/fixtures.ts';

const endpoint = inject('kmsEndpoint');
let restore: () => void = () => undefined;
beforeAll(() => {
  restore = useKmsEndpoint(endpoint);
});
afterAll(() => restore());

describeKeyProviderConformance('aws-kms (test server)', async () => {
  const key = await createKmsKey(await makeContext());
  return { provider: key, rotate: () => key.rotate() };
});

describe('aws-kms through the shared server', () => {
  it('each KMS call in the trail names this vault and object, and its ARN', async () => {
    const ctx = await makeContext();
    const key = await createKmsKey(ctx);
    const sealer = new EsdkSealer(key);
    const ct = await sealer.sealBytes(Buffer.from('x'), { vaultId: ctx.vaultId, objectId: 'o-77', kind: 'manifest' });
    await sealer.openBytes(ct, { vaultId: ctx.vaultId, objectId: 'o-77', kind: 'manifest' });
    const arn = key.ref.slice('aws-kms:'.length);
    const trail = await kmsControl(endpoint).trail(arn);
    expect(trail.map((e) => e.op)).toEqual(expect.arrayContaining(['CreateKey', 'DescribeKey', 'GenerateDataKey', 'Decrypt']));
    for (const e of trail.filter((t) => t.encryptionContext)) {
      expect(e).toMatchObject({ keyId: arn, accessKeyId: 'AKIDCOFFERTEST', region: 'us-east-1' });
      expect(e.encryptionContext).toEqual({ 'coffer:vault': ctx.vaultId, 'coffer:object': 'o-77', 'coffer:kind': 'manifest' });
    }
  });
});
