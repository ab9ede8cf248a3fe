import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
const c = new S3Client({ endpoint: 'http://127.0.0.1:17480', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'CIACCESSKEY', secretAccessKey: 'CISECRETKEY' } });
for (const lock of [false, true]) {
  const t = Date.now();
  try { await c.send(new CreateBucketCommand({ Bucket: 'probe-' + randomBytes(4).toString('hex'), ObjectLockEnabledForBucket: lock })); console.log('created lock=' + lock, Date.now() - t); } catch (e) { console.log('err', lock, e.name, Date.now() - t); }
}
