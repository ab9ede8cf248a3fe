// `npm run bench`: Coffer, rclone crypt and restic on the same deterministic data in the same run, to a
// local folder and (when Ceph is installed) to a local S3 server: cold, no-change and small-change
// passes, each a whole process under /usr/bin/time -v. See bench/README.md for the flags.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applySmallChange, measureTree, planDataset, writeDataset } from './dataset.mjs';
import { timed } from './measure.mjs';
import { TOOLS } from './tools.mjs';
import { cephAvailable, startCeph, stopCeph } from './ceph.mjs';
import { table, verdicts } from './report.mjs';
import { cliRescan100k, hugeCase, rescan100k } from './extra-cases.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
if (flag('help')) {
  console.log('node bench/run.mjs [--small] [--scale <x>] [--huge] [--no-s3] [--no-local] [--no-100k] [--cli-100k] [--tools coffer,rclone,restic] [--dir <scratch>] [--keep]');
  process.exit(0);
}
const scale = Number(opt('scale', process.env.BENCH_SCALE ?? (flag('small') ? '0.1' : '1')));
const toolNames = opt('tools', 'rclone,restic,coffer').split(',');
const repo = fileURLToPath(new URL('..', import.meta.url));

for (const bin of ['/usr/bin/time', 'rclone', 'restic']) {
  if (spawnSync('which', [bin]).status !== 0) {
    console.error(`bench: ${bin} is missing: apt-get install -y time rclone restic`);
    process.exit(2);
  }
}
if (!existsSync(join(repo, 'dist/src-main/cli/main.js'))) {
  console.error('bench: dist/ is missing; building it (npm run build)');
  spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
}

const base = opt('dir', process.env.BENCH_DIR ?? tmpdir());
mkdirSync(base, { recursive: true });
const scratch = mkdtempSync(join(base, 'coffer-bench-'));
const runId = Date.now().toString(36);
const rows = [];
const extras = [];
const cephDir = join(scratch, 'ceph');
let cephStarted = false;

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
console.log(`bench: ${new Date().toISOString()}\nmachine: ${machine}\nscratch: ${scratch}`);

try {
  const src = join(scratch, 'data');
  const plan = planDataset({ scale });
  let t = performance.now();
  await writeDataset(src, plan);
  const tree = await measureTree(src);
  console.log(`dataset: ${tree.count} files, ${(tree.bytes / 1e6).toFixed(0)} MB (scale ${scale}), written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const dests = [];
  if (!flag('no-local')) dests.push({ name: 'local folder', kind: 'local', dir: join(scratch, 'dest-local') });
  if (!flag('no-s3')) {
    const missing = cephAvailable();
    if (missing) console.log(`bench: S3 rows skipped: Ceph ${missing}`);
    else {
      cephStarted = true;
      const s3 = startCeph(cephDir, { memstoreGiB: Math.max(4, Math.ceil((tree.bytes * 5) / 2 ** 30)) });
      dests.push({ name: 'S3 (Ceph RGW)', kind: 's3', runId, ...s3 });
    }
  }

  let round = 0;
  for (const dest of dests) {
    const tools = toolNames.map((n) => TOOLS[n](src, dest, mkdirOut(join(scratch, `state-${dest.kind}-${n}`))));
    for (const tool of tools) await tool.prepare();
    const cases = [
      ['cold', async () => (await measureTree(src)).bytes],
      ['no-change', async () => 0],
      ['small-change', async () => applySmallChange(src, plan, ++round)],
    ];
    for (const [name, before] of cases) {
      const bytes = await before();
      for (const tool of tools) rows.push(await measureOne(dest.name, tool, name, bytes));
    }
  }

  if (!flag('no-100k')) extras.push(await rescan100k(repo));
  if (flag('cli-100k')) extras.push(await cliRescan100k(scratch));
  if (flag('huge')) {
    for (const r of await hugeCase(scratch, toolNames)) rows.push(r);
  }
} finally {
  if (cephStarted) stopCeph(cephDir);
}

const md = [
  `Run: ${new Date().toISOString()}, scale ${scale}`,
  `Machine: ${machine}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  '',
  table(rows),
  '',
  verdicts(rows),
  ...(extras.length ? ['', ...extras] : []),
].join('\n');
console.log(`\n${md}`);
writeFileSync(join(scratch, 'results.json'), JSON.stringify({ scale, machine, rows, extras }, null, 2));
writeFileSync(join(scratch, 'results.md'), `${md}\n`);
if (flag('keep')) console.log(`\nkept: ${scratch} (results.md, results.json)`);
else {
  // Results survive the wipe of the data; the data does not.
  const keep = mkdtempSync(join(base, 'coffer-bench-results-'));
  writeFileSync(join(keep, 'results.md'), `${md}\n`);
  writeFileSync(join(keep, 'results.json'), JSON.stringify({ scale, machine, rows, extras }, null, 2));
  rmSync(scratch, { recursive: true, force: true });
  console.log(`\nresults: ${keep}`);
}

async function measureOne(dest, tool, name, bytes) {
  const { cmd, args, env } = tool.command();
  try {
    const m = await timed(cmd, args, { env });
    console.log(`  ${dest.padEnd(14)} ${tool.name.padEnd(7)} ${name.padEnd(13)} ${m.wallS.toFixed(2).padStart(7)} s ${m.rssMB.toFixed(0).padStart(5)} MB RSS`);
    return { dest, tool: tool.name, case: name, bytes, wallS: m.wallS, rssMB: m.rssMB, userS: m.userS, sysS: m.sysS };
  } catch (err) {
    console.log(`  ${dest} ${tool.name} ${name}: FAILED ${String(err.message).split('\n')[0]}`);
    return { dest, tool: tool.name, case: name, bytes, error: String(err.message) };
  }
}

function mkdirOut(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}
