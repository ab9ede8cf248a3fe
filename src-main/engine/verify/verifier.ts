import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RandomSource } from '../ports/clock.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import type { FileEntry } from '../manifest/schema.ts';
import { ContentReader } from '../read/content-reader.ts';
import { NotFoundError } from '../ports/store-errors.ts';

export interface VerifyReport {
  filesChecked: number;
  bytesChecked: number;
  bad: { path: string; reason: string }[];
}

/**
 * Downloads and authenticates the objects behind the files (all, or a random sample of files), and checks
 * each file's size and plaintext hash against the manifest. The manifest itself was authenticated when
 * the tree was read.
 */
export async function verifyTree(reader: ContentReader, tree: Tree, opts: { samplePercent?: number; random: RandomSource }): Promise<VerifyReport> {
  let files = [...tree.values()].filter((e) => e.type === 'file');
  const pct = opts.samplePercent ?? 100;
  if (pct < 100) files = sample(files, Math.max(files.length ? 1 : 0, Math.ceil((files.length * pct) / 100)), opts.random);
  files.sort((a, b) => (a.chunks?.[0]?.object ?? '').localeCompare(b.chunks?.[0]?.object ?? ''));
  const report: VerifyReport = { filesChecked: 0, bytesChecked: 0, bad: [] };
  for (const e of files) {
    try {
      await pipeline(reader.fileContent(e), new Writable({ write: (_c, _e, cb) => cb() }));
      report.bytesChecked += e.size;
    } catch (err) {
      const reason = err instanceof NotFoundError ? 'an object it needs is missing from the bucket' : (err as Error).message;
      report.bad.push({ path: e.path, reason });
    }
    report.filesChecked++;
  }
  return report;
}

function sample(files: FileEntry[], n: number, random: RandomSource): FileEntry[] {
  const a = [...files];
  for (let i = a.length - 1; i > 0; i--) {
    const r = Buffer.from(random(4)).readUInt32BE(0) % (i + 1);
    [a[i], a[r]] = [a[r]!, a[i]!];
  }
  return a.slice(0, n);
}
