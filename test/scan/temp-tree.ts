import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { systemClock, type Clock } from '../../src-main/engine/ports/clock.ts';

/** A real temporary folder per test, removed afterwards. */
export async function tempTree(files: Record<string, string> = {}): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-scan-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    if (rel.endsWith('/')) await mkdir(abs, { recursive: true });
    else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A clock far after every mtime, so nothing is racily clean unless a test wants it. */
export const lateClock: Clock = { ...systemClock, now: () => Date.now() + 3_600_000 };
