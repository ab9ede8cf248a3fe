import { describe, it, expect } from 'vitest';
import { runSweep, describeFigures } from '../soak/kill-sweep.ts';
import { assertBuilt } from './cli-harness.ts';
import { s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

const MiB = 1024 * 1024;
/** `npm run soak` runs 50; CI runs a few, on a smaller folder that still has a multipart range. */
const N = Number(process.env.COFFER_SOAK_CI_N ?? 5);

describe.skipIf(!s3TestConfig())(`kill -9 sweep, ${N} points (the CLI against real S3)${s3TestConfig() ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  it('never wedges a vault, loses or corrupts a file, or leaves a multipart upload behind', async () => {
    assertBuilt();
    const f = await runSweep({ n: N, seed: Number(process.env.COFFER_SOAK_SEED ?? 1), s3: s3TestConfig()!, shape: { smallFiles: 20, mediumFiles: 2, largeBytes: 65 * MiB } });
    const text = describeFigures(f).join('\n');
    const failed = f.points.filter((p) => p.resumeFailed || p.lost || p.corrupted || p.leftoverUploads);
    const detail = failed.map((p) => `point ${p.i} (kill at ${p.delayMs} ms${p.changedBeforeResume ? ', changed' : ''}): ${p.reason ?? ''} lost ${p.lost}, corrupted ${p.corrupted}, uploads ${p.leftoverUploads}`).join('\n');
    expect(f.points).toHaveLength(N);
    expect({ wedged: f.wedged, lost: f.lostFiles, corrupted: f.corruptedFiles, leftoverUploads: f.leftoverUploads }, `${text}\n${detail}`)
      .toEqual({ wedged: 0, lost: 0, corrupted: 0, leftoverUploads: 0 });
  }, 600_000);
});
