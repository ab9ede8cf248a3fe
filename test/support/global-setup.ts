// One global setup for every test file. Each part (S3 server, keyring, KMS) registers in its own module.
import type { TestProject } from 'vitest/node';
import { setups } from './global-setups.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: (() => Promise<void>)[] = [];
  for (const s of setups) teardowns.push(await s(project));
  return async () => {
    for (const t of teardowns.reverse()) await t();
  };
}
