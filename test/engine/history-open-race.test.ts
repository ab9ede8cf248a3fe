// Two callers asking for a vault's history log at once (the first sync pass appending while the UI reads)
// share one log: with two, each kept its own in-memory index, and the reader never saw the writer's
// entries ("Up to date" with 1 file and an empty history, seen in the accessibility e2e run).
import { afterEach, describe, expect, it } from 'vitest';
import { initVault, sandbox, type Sandbox } from './harness.ts';

describe('a vault\'s history log', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => sb?.cleanup());

  it('is one log for concurrent first callers, so what one appends the other reads', async () => {
    sb = await sandbox();
    const { vault } = await initVault(sb, 'file');
    try {
      const [writer, reader] = await Promise.all([vault.history(), vault.history()]);
      expect(reader).toBe(writer);
      const before = (await reader.query({})).total;
      await writer.append([{ time: new Date().toISOString(), action: 'upload', path: 'raced.txt', size: 3 }]);
      const after = await reader.query({ pathContains: 'raced' });
      expect(after.entries.map((e) => e.path)).toEqual(['raced.txt']);
      expect((await reader.query({})).total).toBe(before + 1);
    } finally {
      await vault.close();
    }
  });
});
