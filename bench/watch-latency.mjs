// Watch latency: `coffer watch` running, a file saved at a steady interval (three files in turn, each
// save a new size), and the time from the end of each write to the moment its upload line appears in
// the history (the journal's history segments under COFFER_HOME, polled every 10 ms). The history is
// written at the end of the pass, after the commit, so this is save -> committed. Peers have no watch.
import { spawn } from 'node:child_process';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keystream } from './dataset.mjs';
import { must } from './measure.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @returns {Promise<{ latenciesMs: number[], p50: number, p95: number, rssMB: number | null, missed: number }>} */
export async function watchLatency(tool, src, { saves = 24, intervalMs = 1000 } = {}) {
  await mkdir(join(src, 'notes'), { recursive: true });
  await writeFile(join(src, 'notes', 'doc-0.txt'), 'first');
  await tool.prepare();
  const sync = tool.command();
  await must(sync.cmd, sync.args, { env: sync.env }); // the first pass, untimed
  const { cmd, args, env } = tool.watchCommand();
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output = (output + d).slice(-8000); });
  child.stderr.on('data', (d) => { output = (output + d).slice(-8000); });
  const exited = new Promise((r) => child.once('exit', r));
  const history = historyReader(tool.home);
  try {
    await until(() => /Watching /.test(output), 30_000, () => `coffer watch did not start: ${output}`);
    // A warm-up save, not counted: the watcher is up and the start-up pass is done once it is committed.
    await saveAndWait(src, 'notes/warm-up.txt', 100, history, 30_000);
    const pending = [];
    const bytes = keystream('watch');
    for (let i = 0; i < saves; i++) {
      const rel = `notes/doc-${i % 3}.txt`;
      const size = 4096 + i;
      await writeFile(join(src, rel), bytes(size));
      pending.push({ rel, size, at: performance.now(), committed: null });
      const next = performance.now() + intervalMs;
      while (performance.now() < next) {
        await history.poll(pending);
        await sleep(10);
      }
    }
    const deadline = performance.now() + 15_000;
    while (pending.some((p) => p.committed === null) && performance.now() < deadline) {
      await history.poll(pending);
      await sleep(10);
    }
    const rssMB = await peakRss(child.pid);
    const latenciesMs = pending.filter((p) => p.committed !== null).map((p) => p.committed - p.at).sort((a, b) => a - b);
    return { latenciesMs, p50: pct(latenciesMs, 50), p95: pct(latenciesMs, 95), rssMB, missed: pending.length - latenciesMs.length, saves };
  } finally {
    child.kill('SIGINT');
    await Promise.race([exited, sleep(20_000)]);
  }
}

async function saveAndWait(src, rel, size, history, timeoutMs) {
  const p = { rel, size, at: performance.now(), committed: null };
  await writeFile(join(src, rel), Buffer.alloc(size, 1));
  await until(async () => (await history.poll([p]), p.committed !== null), timeoutMs, () => `${rel} was never committed`);
}

/** Nearest-rank percentile of a sorted list. */
function pct(sorted, p) {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Reads new upload lines of the newest history segment and marks the saves they commit. */
function historyReader(home) {
  let file = null;
  let offset = 0;
  let rest = '';
  return {
    async poll(pending) {
      file ??= await findSegment(home);
      if (!file) return;
      const segs = await readdir(join(file, '..'));
      const newest = segs.filter((n) => /^history-\d{6}\.jsonl$/.test(n)).sort().at(-1);
      if (newest && join(file, '..', newest) !== file) {
        file = join(file, '..', newest);
        offset = 0;
        rest = '';
      }
      const fh = await open(file, 'r');
      let chunk;
      try {
        const buf = Buffer.alloc(1 << 20);
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        offset += bytesRead;
        chunk = buf.subarray(0, bytesRead).toString('utf8');
      } finally {
        await fh.close();
      }
      const now = performance.now();
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        let e;
        try {
          e = JSON.parse(line.slice(9));
        } catch {
          continue;
        }
        if (e.action !== 'upload') continue;
        for (const p of pending) if (p.committed === null && p.rel === e.path && p.size === e.size) p.committed = now;
      }
    },
  };
}

async function findSegment(dir) {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return null;
  }
  const seg = entries.filter((n) => /(^|\/)history-\d{6}\.jsonl$/.test(n)).sort().at(-1);
  return seg ? join(dir, seg) : null;
}

/** VmHWM of a live process, from /proc (Linux). */
async function peakRss(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function until(cond, timeoutMs, what) {
  const end = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > end) throw new Error(what());
    await sleep(20);
  }
}
