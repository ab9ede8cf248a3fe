// `npm run bench`: Coffer (keychain and passphrase custody), rclone crypt and restic on the same
// deterministic data in the same run, to a local folder and (when Ceph is installed) to a local S3
// server. Each pass is a whole process under /usr/bin/time -v; bytes uploaded are measured from the
// remote. See bench/README.md for the cases and flags.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './measure.mjs';
import { TOOLS, isCoffer } from './tools.mjs';
import { cephAvailable, startCeph, stopCeph } from './ceph.mjs';
import { keyringMissing, startKeyring } from './keyring.mjs';
import { listRemote, uploadedBytes } from './remote-bytes.mjs';
import { removeBuckets } from './s3-buckets.mjs';
import { bigEditScenario, manyFilesScenario, mixScenario } from './scenarios.mjs';
import { watchLatency } from './watch-latency.mjs';
import { hugeCase, rescan100k } from './extra-cases.mjs';
import { kdfTable, table, TARGETS, verdicts, watchTable } from './report.mjs';
import { recordResults } from './record.mjs';
import { estimateSeconds, parseOptions, USAGE } from './options.mjs';

const argv = process.argv.slice(2);
let o;
try {
  o = parseOptions(argv);
} catch (err) {
  console.error(`bench: ${err.message}\n${USAGE}`);
  process.exit(2);
}
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}
const repo = fileURLToPath(new URL('..', import.meta.url));
for (const bin of ['/usr/bin/time', ...o.tools.filter((t) => !isCoffer(t))]) {
  if (spawnSync('which', [bin]).status !== 0) {
    console.error(`bench: ${bin} is missing: apt-get install -y time rclone restic`);
    process.exit(2);
  }
}
if (!existsSync(join(repo, 'dist/cli/main.js'))) {
  console.error('bench: dist/ is missing; building it (npm run build)');
  spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
}

const started = new Date();
const base = o.dir ?? tmpdir();
mkdirSync(base, { recursive: true });
const scratch = mkdtempSync(join(base, 'coffer-bench-'));
const runId = Date.now().toString(36);
const machineAt = () => `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
const machine = machineAt();
const estimate = estimateSeconds(o);
console.log(`bench: ${started.toISOString()}\nmachine: ${machine}\nscratch: ${scratch}\ncases: ${o.cases.join(', ')}; tools: ${o.tools.join(', ')}; scale ${o.scale}${o.scale100k !== o.scale ? ` (100k: ${o.scale100k})` : ''}`);
console.log(`estimate: ~${Math.ceil(estimate / 60)} min on a quiet 2-core machine (rough)`);

const rows = [];
const watch = [];
const opens = [];
const notes = [];
const cephDir = join(scratch, 'ceph');
let cephStarted = false;
let keyring = null;

try {
  let tools = o.tools;
  if (tools.includes('coffer')) {
    const missing = keyringMissing();
    if (missing) {
      notes.push(`Coffer's keychain rows skipped: gnome-keyring ${missing}`);
      tools = tools.filter((t) => t !== 'coffer');
    } else keyring = await startKeyring(scratch);
  }
  const ctx = { runId, keyringEnv: keyring?.env };
  const scenarios = [];
  if (o.cases.includes('mix')) scenarios.push({ ...mixScenario(o.scale), dests: ['local', 's3'] });
  if (o.cases.includes('bigedit')) scenarios.push({ ...bigEditScenario(Math.round(500e6 * o.scale)), dests: ['local', 's3'] });
  // 100k objects through rclone to S3 would take most of the run: the 100k case is to a folder only.
  if (o.cases.includes('100k')) scenarios.push({ ...manyFilesScenario(Math.max(100, Math.round(100_000 * o.scale100k))), dests: ['local'] });

  const dests = [];
  if (o.local) dests.push({ name: 'local folder', kind: 'local' });
  const wantS3 = o.s3 && (scenarios.some((s) => s.dests.includes('s3')) || o.cases.includes('watch'));
  if (wantS3 && o.s3Endpoint) {
    dests.push({ name: 'S3 (Ceph RGW)', kind: 's3', runId, endpoint: o.s3Endpoint, accessKey: 'CIACCESSKEY', secretKey: 'CISECRETKEY' });
  } else if (wantS3) {
    const missing = cephAvailable();
    if (missing) notes.push(`S3 rows skipped: Ceph ${missing}`);
    else {
      cephStarted = true;
      const onS3 = scenarios.filter((s) => s.dests.includes('s3')).reduce((a, s) => a + s.plannedBytes, 0);
      const memstoreGiB = Math.max(4, Math.ceil((onS3 * (tools.length + 2) * 1.5) / 2 ** 30) + 2);
      dests.push({ name: 'S3 (Ceph RGW)', kind: 's3', runId, ...startCeph(cephDir, { memstoreGiB }) });
    }
  }

  for (const sc of scenarios) {
    const src = join(scratch, sc.name, 'data');
    for (const dest of dests.filter((d) => sc.dests.includes(d.kind))) {
      // Fresh data per destination: the steps must change bytes the tools stored in this cold pass.
      rmSync(src, { recursive: true, force: true });
      mkdirSync(src, { recursive: true });
      const t = performance.now();
      await sc.write(src);
      console.log(`\n${sc.title}, to ${dest.name}: data written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const d = dest.kind === 'local' ? { ...dest, dir: join(scratch, sc.name, 'dest') } : dest;
      const live = [];
      for (const name of tools) {
        const tool = TOOLS[name](src, d, mkdirOut(join(scratch, sc.name, `state-${dest.kind}-${name}`)), { ...ctx, scenario: sc.name });
        try {
          await tool.prepare();
          live.push(tool);
        } catch (err) {
          rows.push({ scenario: sc.name, scenarioTitle: sc.title, dest: dest.name, tool: name, label: tool.label, case: 'set-up', error: String(err.message) });
        }
      }
      for (const step of sc.steps) {
        const runs = new Map(live.map((tool) => [tool, []]));
        for (let r = 0; r < (step.repeat ?? 1); r++) {
          const bytes = await step.apply(src);
          for (const tool of live) runs.get(tool).push(await measureOne(sc, dest.name, tool, step.name, bytes));
        }
        for (const tool of live) rows.push(medianRow(runs.get(tool)));
      }
      if (sc.name === 'mix') {
        for (const tool of live.filter((x) => x.openCommand)) opens.push(await openCost(dest.name, tool));
      }
    }
    // The next case's data should not share the disk with this one's.
    rmSync(join(scratch, sc.name), { recursive: true, force: true });
  }

  if (o.cases.includes('watch')) {
    for (const dest of dests) {
      for (const name of tools.filter(isCoffer)) {
        const dir = join(scratch, 'watch', `${dest.kind}-${name}`);
        const d = dest.kind === 'local' ? { ...dest, dir: join(dir, 'dest') } : dest;
        const tool = TOOLS[name](join(dir, 'data'), d, mkdirOut(join(dir, 'state')), { ...ctx, scenario: 'watch' });
        try {
          const w = await watchLatency(tool, join(dir, 'data'), { saves: o.watchSaves });
          console.log(`  watch ${dest.name.padEnd(14)} ${name.padEnd(11)} p50 ${(w.p50 / 1000).toFixed(2)} s, p95 ${(w.p95 / 1000).toFixed(2)} s over ${w.saves} saves${w.missed ? `, ${w.missed} not committed` : ''}`);
          watch.push({ dest: dest.name, tool: name, label: tool.label, ...w });
        } catch (err) {
          console.log(`  watch ${dest.name} ${name}: FAILED ${String(err.message).split('\n')[0]}`);
          watch.push({ dest: dest.name, tool: name, label: tool.label, error: String(err.message) });
        }
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (o.cases.includes('scan100k')) notes.push(await rescan100k(repo, Math.max(100, Math.round(100_000 * o.scale100k))));
  if (o.cases.includes('huge')) for (const r of await hugeCase(scratch, tools, ctx, o.hugeGiB)) rows.push(r);
} finally {
  if (o.s3Endpoint) await removeBuckets();
  if (cephStarted) stopCeph(cephDir);
  keyring?.stop();
}

const took = (Date.now() - started.getTime()) / 1000;
const args = argv.join(' ');
const md = [
  `## Run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: \`npm run bench${args ? ` -- ${args}` : ''}\``,
  '',
  `Machine: ${machine}; at the end: load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}. Scale ${o.scale}; took ${(took / 60).toFixed(1)} min (estimated ${Math.ceil(estimate / 60)}).`,
  'Every pass is a whole process under `/usr/bin/time -v` (wall time; peak RSS = its "Maximum resident set size"; CPU = user + sys).',
  'Uploaded = bytes of the objects a pass added or changed, from a listing of the remote before and after (same for every tool).',
  'Rows marked "median of 3" ran three times, each tool in turn (the small change a new change each round): wall time is the median run\'s, with the range beside it; peak RSS the highest of the three.',
  '"Coffer (keychain, default)" keeps its key in gnome-keyring on a private D-Bus (no KDF per pass); "Coffer (passphrase)" pays its scrypt unlock (N=2^17, r=8) in every process.',
  '',
  ...(rows.length ? [table(rows), ''] : []),
  ...(watch.length ? ['Watch latency: `coffer watch` running, a file saved every second (three files in turn), from the end of each write to its upload line in the history:', '', watchTable(watch), ''] : []),
  ...(opens.length ? ['Peers\' start-up and key derivation alone (restic `cat config`, rclone `cryptdecode`), against their no-change pass:', '', kdfTable(opens, rows), ''] : []),
  `Against the issue's targets (ratios against the faster peer of this run; targets: ${JSON.stringify(TARGETS)}):`,
  '',
  verdicts(rows, watch),
  ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
].join('\n');
console.log(`\n${md}`);
const json = JSON.stringify({ started, options: o, machine, rows, watch, opens, notes }, null, 2);
writeFileSync(join(scratch, 'results.json'), json);
writeFileSync(join(scratch, 'results.md'), `${md}\n`);
if (o.record) {
  recordResults(join(repo, 'bench/RESULTS.md'), md);
  console.log('\nrecorded at the top of bench/RESULTS.md');
}
if (o.keep) console.log(`kept: ${scratch} (results.md, results.json)`);
else {
  // Results survive the wipe of the data; the data does not.
  const keep = mkdtempSync(join(base, 'coffer-bench-results-'));
  writeFileSync(join(keep, 'results.md'), `${md}\n`);
  writeFileSync(join(keep, 'results.json'), json);
  rmSync(scratch, { recursive: true, force: true });
  console.log(`results: ${keep}`);
}

async function measureOne(sc, dest, tool, name, bytes) {
  const row = { scenario: sc.name, scenarioTitle: sc.title, dest, tool: tool.name, label: tool.label, case: name, bytes };
  const { cmd, args: a, env } = tool.command();
  try {
    const before = await listRemote(tool.remote());
    const m = await timed(cmd, a, { env });
    const up = uploadedBytes(before, await listRemote(tool.remote()));
    console.log(`  ${sc.name.padEnd(8)} ${dest.padEnd(14)} ${tool.name.padEnd(11)} ${name.padEnd(24)} ${m.wallS.toFixed(2).padStart(7)} s ${m.rssMB.toFixed(0).padStart(5)} MB RSS ${(up.bytes / 1e6).toFixed(2).padStart(9)} MB up`);
    return { ...row, wallS: m.wallS, rssMB: m.rssMB, userS: m.userS, sysS: m.sysS, upBytes: up.bytes, upObjects: up.objects };
  } catch (err) {
    console.log(`  ${sc.name} ${dest} ${tool.name} ${name}: FAILED ${String(err.message).split('\n')[0]}`);
    return { ...row, error: String(err.message) };
  }
}

/**
 * One row for a step run several times: the run of median wall time, with the highest peak RSS of all
 * runs (the RSS goal is a ceiling) and the range of wall times. Any failed run makes the row a failure.
 */
function medianRow(runs) {
  if (runs.length === 1) return runs[0];
  const failed = runs.find((r) => r.error);
  if (failed) return failed;
  const byWall = [...runs].sort((a, b) => a.wallS - b.wallS);
  const mid = byWall[Math.floor(byWall.length / 2)];
  return { ...mid, rssMB: Math.max(...runs.map((r) => r.rssMB)), runs: runs.length, wallRange: [byWall[0].wallS, byWall.at(-1).wallS] };
}

async function openCost(dest, tool) {
  const { cmd, args: a, env } = tool.openCommand();
  try {
    const m = await timed(cmd, a, { env });
    return { dest, tool: tool.name, label: tool.label, openS: m.wallS };
  } catch (err) {
    return { dest, tool: tool.name, label: tool.label, error: String(err.message) };
  }
}

function mkdirOut(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}
