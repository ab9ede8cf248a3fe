// One folder for the whole run's short-lived test folders that no test removes itself (key contexts,
// audit logs, SoftHSM tokens): removed here once every test file has finished, so no background write
// of a test can race the removal. The workers find it in COFFER_TEST_SCRATCH.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-test-scratch-'));
  const before = process.env.COFFER_TEST_SCRATCH;
  process.env.COFFER_TEST_SCRATCH = dir;
  return async () => {
    if (before === undefined) delete process.env.COFFER_TEST_SCRATCH;
    else process.env.COFFER_TEST_SCRATCH = before;
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}

/** Where such folders go: the run's scratch folder, or the OS temp folder outside the global setup. */
export function scratchParent(): string {
  return process.env.COFFER_TEST_SCRATCH ?? tmpdir();
}
