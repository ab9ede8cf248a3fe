// A journal compaction that fails after a commit (ENOSPC, EIO) is a warning, and the next pass syncs:
// the syncer reopens the journal the failure left refusing writes, instead of failing every pass after.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { freshRemote, sandbox, type Sandbox } from './harness.ts';

/** The next atomic rewrite of journal.jsonl (only compaction does one) fails once, as a full disk would. */
const fault = vi.hoisted(() => ({ failNextCompaction: false, failed: 0 }));
vi.mock('../../src-main/engine/fsx/atomic-file.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/engine/fsx/atomic-file.ts')>();
  return {
    ...real,
    writeFileAtomic: async (...[path, data, opts]: Parameters<typeof real.writeFileAtomic>) => {
      if (fault.failNextCompaction && basename(path) === 'journal.jsonl') {
        fault.failNextCompaction = false;
        fault.failed++;
        throw Object.assign(new Error(`ENOSPC: no space left on device (injected), write '${path}'`), { code: 'ENOSPC' });
      }
      return real.writeFileAtomic(path, data, opts);
    },
  };
});

describe('a failed journal compaction', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('is a warning, and the next pass with a change commits with the same syncer', async () => {
    sb = await sandbox();
    const r = await freshRemote('file', sb);
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, keyRef: 'passphrase' });
    const syncer = new VaultSyncer(vault);
    try {
      // A first pass opens (and creates) the journal; the fault hits the next pass's compaction.
      await writeFile(join(sb.folder, 'a.txt'), 'first');
      expect((await syncer.sync()).warnings).toEqual([]);
      await writeFile(join(sb.folder, 'b.txt'), 'second');
      fault.failNextCompaction = true;
      const first = await syncer.sync();
      expect(fault.failed).toBe(1);
      expect(first.complete).toBe(true);
      expect(first.warnings.join('\n')).toMatch(/compacting the journal failed after the commit.*ENOSPC/);

      await writeFile(join(sb.folder, 'c.txt'), 'third');
      const second = await syncer.sync();
      expect(second.complete).toBe(true);
      expect(second.uploaded).toBe(1);
      expect(second.warnings).toEqual([]);
      const tree = (await vault.tree()).tree;
      expect(tree.get('b.txt')).toMatchObject({ seq: 2 });
      expect(tree.get('c.txt')).toMatchObject({ seq: 3 });
    } finally {
      await syncer.close();
      await vault.close();
    }
  }, 30_000);
});
