// Two cases outside the per-step matrix: peak RSS on one 4 GiB file (--huge), and the scanner's in-process
// 100k-file rescan (bench/scan-100k.mjs; the whole-process 100k case is in scenarios.mjs).
import { mkdirSync, rmSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { keystream } from './dataset.mjs';
import { timed } from './measure.mjs';
import { TOOLS } from './tools.mjs';

/** One 4 GiB file, cold, to a local folder: the peak-RSS-for-any-file-size target. */
export async function hugeCase(scratch, toolNames, ctx, gib = Number(process.env.BENCH_HUGE_GIB ?? 4)) {
  const dir = join(scratch, 'huge');
  const src = join(dir, 'data');
  await mkdir(src, { recursive: true });
  const size = gib * 2 ** 30;
  const bytes = keystream('huge');
  const fh = await open(join(src, 'huge.bin'), 'w');
  try {
    for (let done = 0; done < size; done += 8 * 2 ** 20) await fh.write(bytes(8 * 2 ** 20));
  } finally {
    await fh.close();
  }
  const rows = [];
  const dest = { kind: 'local', dir: join(dir, 'dest') };
  for (const name of toolNames) {
    const tool = TOOLS[name](src, dest, mkdirOut(join(dir, `state-${name}`)), { ...ctx, scenario: 'huge' });
    const row = { scenario: 'huge', scenarioTitle: `one ${gib} GiB file`, dest: 'local folder', tool: name, label: tool.label, case: 'cold', bytes: size };
    try {
      await tool.prepare();
      const { cmd, args, env } = tool.command();
      const m = await timed(cmd, args, { env });
      console.log(`  huge ${name.padEnd(11)} cold ${m.wallS.toFixed(2)} s ${m.rssMB.toFixed(0)} MB RSS`);
      rows.push({ ...row, ...m, stdout: undefined });
    } catch (err) {
      rows.push({ ...row, error: String(err.message) });
    }
    // Each tool's copy is 4 GiB; drop it before the next one.
    rmSync(dest.dir, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/** The scanner helper's in-process rescan bench (bench/scan-100k.mjs), plus its whole-process cost. */
export async function rescan100k(repo, files = 100_000) {
  const script = join(repo, 'bench/scan-100k.mjs');
  try {
    const m = await timed('node', [script, String(files)]);
    const best = /best ([\d.]+) s/.exec(m.stdout)?.[1];
    console.log(`  100k-file rescan (scanner, in process): best ${best} s`);
    return `${files}-file no-change rescan (bench/scan-100k.mjs, FsScanner in process, best of 3): ${best} s (target <= 3 s: ${Number(best) <= 3 ? 'met' : '**missed**'}); that whole script, which also creates the files, peaked at ${m.rssMB.toFixed(0)} MB RSS.`;
  } catch (err) {
    const best = /best ([\d.]+) s/.exec(String(err.message))?.[1];
    return `100k-file no-change rescan (bench/scan-100k.mjs): ${best ? `best ${best} s, target <= 3 s **missed**` : `failed: ${String(err.message).split('\n')[0]}`}`;
  }
}

function mkdirOut(p) {
  mkdirSync(p, { recursive: true });
  return p;
}
