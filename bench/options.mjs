// The bench's command line, and a rough estimate of how long a run takes (printed at start so the one
// running it can pick a subset). Rates are from earlier runs on a quiet 2-core machine; slower machines
// scale them all.
export const CASES = ['mix', '100k', 'bigedit', 'watch', 'scan100k', 'huge'];
const DEFAULT_CASES = CASES.filter((c) => c !== 'huge');

export const USAGE = `node bench/run.mjs [options]
  --small              scale 0.1 (65 MB mix, 10,000 files for 100k, a 50 MB file for bigedit)
  --scale <x>          any scale (BENCH_SCALE); --scale-100k <x> scales only the 100k case
  --cases a,b,c        of ${CASES.join(', ')} (default: all but huge)
  --huge               add the 4 GiB peak-RSS case (BENCH_HUGE_GIB to change the size)
  --no-s3, --no-local  skip a destination
  --s3-endpoint <url>  use this running RGW (keys CIACCESSKEY/CISECRETKEY; its buckets are removed after)
                       instead of starting the bench's own Ceph (for checks; figures want the bench's own)
  --tools a,b          of coffer (keychain), coffer-pass (passphrase), rclone, restic (order = run order)
  --watch-saves <n>    saves in the watch case (default 24, at least 20 for a p95)
  --dir <d>            scratch parent (BENCH_DIR; default the OS temp dir); --keep keeps the data
  --no-record          do not write the run into bench/RESULTS.md`;

export function parseOptions(argv, env = process.env) {
  const flag = (name) => argv.includes(`--${name}`);
  const opt = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const scale = Number(opt('scale', env.BENCH_SCALE ?? (flag('small') ? '0.1' : '1')));
  const cases = opt('cases', DEFAULT_CASES.join(',')).split(',').filter(Boolean);
  if (flag('huge') && !cases.includes('huge')) cases.push('huge');
  const unknown = cases.filter((c) => !CASES.includes(c));
  if (unknown.length) throw new Error(`unknown case ${unknown.join(', ')}: the cases are ${CASES.join(', ')}`);
  const tools = opt('tools', 'rclone,restic,coffer,coffer-pass').split(',');
  const badTool = tools.filter((t) => !['coffer', 'coffer-pass', 'rclone', 'restic'].includes(t));
  if (badTool.length) throw new Error(`unknown tool ${badTool.join(', ')}: the tools are coffer, coffer-pass, rclone, restic`);
  if (!(scale > 0)) throw new Error(`--scale must be > 0, got ${scale}`);
  return {
    help: flag('help'),
    scale,
    scale100k: Number(opt('scale-100k', String(scale))),
    cases,
    tools,
    local: !flag('no-local'),
    s3: !flag('no-s3'),
    s3Endpoint: opt('s3-endpoint', env.BENCH_S3_ENDPOINT),
    watchSaves: Math.max(1, Number(opt('watch-saves', '24'))),
    hugeGiB: Number(env.BENCH_HUGE_GIB ?? 4) * Math.min(1, scale),
    dir: opt('dir', env.BENCH_DIR),
    keep: flag('keep'),
    record: !flag('no-record'),
  };
}

/** Seconds, roughly: data written + each tool's passes + the fixed costs (Ceph start, watch saves). */
export function estimateSeconds(o) {
  const MB = 1e6;
  const dests = (o.local ? 1 : 0) + (o.s3 ? 1 : 0);
  const nTools = o.tools.length;
  const nCoffer = o.tools.filter((t) => t.startsWith('coffer')).length;
  // Per-tool cold rates (MB/s): local ~90, S3 ~35 (rclone's many PUTs are slower still).
  const coldS = (bytes) => (o.local ? bytes / (90 * MB) : 0) + (o.s3 ? bytes / (35 * MB) : 0);
  let s = o.s3 && !o.s3Endpoint ? 20 : 0;
  if (o.cases.includes('mix')) {
    const bytes = 652 * MB * o.scale;
    s += dests * bytes / (300 * MB) + nTools * (coldS(bytes) + dests * (3 + 2 + 3));
  }
  if (o.cases.includes('bigedit')) {
    const bytes = 500 * MB * o.scale;
    // rclone re-uploads the whole file after each edit; the others a little.
    s += dests * bytes / (300 * MB) + nTools * (coldS(bytes) + dests * 6) + (o.tools.includes('rclone') ? 2 * coldS(bytes) : 0);
  }
  if (o.cases.includes('100k')) {
    const files = 100_000 * o.scale100k;
    // Tiny files cost per file: ~125 s per 100,000 per tool cold (rclone writes one file each), ~5-10 s no-change.
    s += files / 5000 + nTools * (files / 800 + files / 15_000 + 6);
  }
  if (o.cases.includes('watch')) s += dests * nCoffer * (o.watchSaves + 25);
  if (o.cases.includes('scan100k')) s += 40;
  if (o.cases.includes('huge')) s += (o.hugeGiB * 2 ** 30) / (300 * MB) + nTools * ((o.hugeGiB * 2 ** 30) / (70 * MB) + 5);
  return s;
}
