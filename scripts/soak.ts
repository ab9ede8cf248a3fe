// `npm run soak [-- --n 50 --seed 7]`: the kill sweep (test/soak/kill-sweep.ts) at full size. N also from
// COFFER_SOAK_N, the seed from COFFER_SOAK_SEED. Uses the S3 server at COFFER_TEST_S3_ENDPOINT, or starts
// its own Ceph RGW (test/support/start-ceph-rgw.sh) and stops it after. Exits 1 if any vault wedged, any
// file was lost or corrupted, or any multipart upload was left behind.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { describeFigures, runSweep } from '../test/soak/kill-sweep.ts';
import { startOwnRgw } from '../test/soak/own-rgw.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { n: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } } });
const n = Number(values.n ?? process.env.COFFER_SOAK_N ?? 50);
const seed = Number(values.seed ?? process.env.COFFER_SOAK_SEED ?? 1);
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run soak -- [--n <kill points, default 50>] [--seed <integer, default 1>] [--json]');
  process.exit(2);
}
if (!existsSync(`${repo}/dist/cli/main.js`)) {
  console.error('soak: dist/ is missing; building it (npm run build)');
  if (spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' }).status !== 0) process.exit(1);
}

const given = process.env.COFFER_TEST_S3_ENDPOINT;
const own = given ? null : await startOwnRgw((line) => console.error(line));
const s3 = {
  endpoint: given ?? own!.endpoint,
  accessKeyId: process.env.COFFER_TEST_S3_ACCESS_KEY ?? 'CIACCESSKEY',
  secretAccessKey: process.env.COFFER_TEST_S3_SECRET_KEY ?? 'CISECRETKEY',
};
try {
  const figures = await runSweep({ n, seed, s3, log: (l) => console.error(l) });
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else for (const line of describeFigures(figures)) console.log(line);
  process.exitCode = figures.wedged + figures.lostFiles + figures.unstoredInWedged + figures.corruptedFiles + figures.leftoverUploads > 0 ? 1 : 0;
} finally {
  await own?.stop();
}
