// The bench's data sets, each a folder and the steps run on it: every tool makes one timed pass after
// each step, in the same run, on the same bytes. `apply` changes the folder and returns the bytes it
// wrote (what the MB/s column divides by).
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applySmallChange, keystream, measureTree, planDataset, writeDataset } from './dataset.mjs';

const MiB = 2 ** 20;

/** The issue's ~650 MB mix (5,000 small, 40 medium, 2 large at scale 1): cold, no-change, small change. */
export function mixScenario(scale) {
  const plan = planDataset({ scale });
  let round = 0;
  return {
    name: 'mix',
    title: `mix (${plan.length} files, ${(plan.reduce((a, f) => a + f.size, 0) / 1e6).toFixed(0)} MB)`,
    plannedBytes: plan.reduce((a, f) => a + f.size, 0),
    write: (dir) => writeDataset(dir, plan),
    steps: [
      { name: 'cold', apply: async (dir) => (await measureTree(dir)).bytes },
      // Passes of under a second vary by ±20-40 % run to run, the peers' as much as Coffer's: these two
      // are run three times (each tool in turn, each round on a new change) and the median is reported.
      { name: 'no-change', apply: async () => 0, repeat: 3 },
      { name: 'small-change', apply: (dir) => applySmallChange(dir, plan, ++round), repeat: 3 },
    ],
  };
}

/** 100,000 tiny files in folders of 1,000 (scaled): cold and no-change, whole process, peak RSS. */
export function manyFilesScenario(files) {
  return {
    name: '100k',
    title: `${files.toLocaleString('en')} small files`,
    plannedBytes: files * 20,
    async write(dir) {
      for (let d = 0; d * 1000 < files; d++) {
        await mkdir(join(dir, `d${d}`), { recursive: true });
        const writes = [];
        for (let i = 0; i < Math.min(1000, files - d * 1000); i++) writes.push(writeFile(join(dir, `d${d}`, `f${i}.txt`), `file ${d}/${i}\n`));
        await Promise.all(writes);
      }
    },
    steps: [
      { name: 'cold', apply: async (dir) => (await measureTree(dir)).bytes },
      { name: 'no-change', apply: async () => 0 },
    ],
  };
}

/** One 500 MB file (scaled): cold, then 1 MiB overwritten in its middle, then 1 byte appended. */
export function bigEditScenario(size) {
  const path = 'big/archive.bin';
  return {
    name: 'bigedit',
    title: `one ${(size / 1e6).toFixed(0)} MB file`,
    plannedBytes: size,
    async write(dir) {
      await mkdir(join(dir, 'big'), { recursive: true });
      const bytes = keystream('bigedit');
      const fh = await open(join(dir, path), 'w');
      try {
        for (let done = 0; done < size; done += 8 * MiB) await fh.write(bytes(Math.min(8 * MiB, size - done)));
      } finally {
        await fh.close();
      }
    },
    steps: [
      { name: 'cold', apply: async () => size },
      {
        name: 'edit 1 MiB in the middle',
        async apply(dir) {
          const fh = await open(join(dir, path), 'r+');
          try {
            await fh.write(keystream('bigedit:edit')(MiB), 0, MiB, Math.floor(size / 2));
          } finally {
            await fh.close();
          }
          return MiB;
        },
      },
      {
        name: 'append 1 byte',
        async apply(dir) {
          const fh = await open(join(dir, path), 'a');
          try {
            await fh.write(Buffer.from('!'));
          } finally {
            await fh.close();
          }
          return 1;
        },
      },
    ],
  };
}
