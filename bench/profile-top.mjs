// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package/file, so a
// profile of `coffer sync` can be read without DevTools.
// Usage: node bench/profile-top.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2).filter((a, i, all) => a !== "--callers" && all[i - 1] !== "--callers");
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8'));

// Sample deltas are in microseconds; each sample is charged to its leaf node.
const selfUs = new Map();
prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byFn = new Map();
const byArea = new Map();
for (const node of prof.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = shortUrl(url);
  const fnKey = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
  byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + us);
  const area = areaOf(url, functionName);
  byArea.set(area, (byArea.get(area) ?? 0) + us);
}

const ms = (us) => (us / 1000).toFixed(0).padStart(7);
const pct = (us) => ((100 * us) / totalUs).toFixed(1).padStart(5);
console.log(`profile: ${file}\ntotal sampled: ${(totalUs / 1e6).toFixed(2)} s\n`);
console.log('self time by area:');
for (const [k, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms ${pct(us)} %  ${k}`);
console.log('\nself time by function:');
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms ${pct(us)} %  ${k}`);

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + 1) : url.replace(/^file:\/\//, '');
}

function areaOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : `native ${fn}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const d = url.indexOf('/dist/');
  if (d >= 0) return url.slice(d + 1).split('/').slice(0, 4).join('/');
  return url;
}

// `--callers <name>`: where a hot function is called from (self time of <name>, by caller chain).
const ci = process.argv.indexOf('--callers');
if (ci >= 0) {
  const target = process.argv[ci + 1];
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const chains = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node?.callFrame.functionName !== target) continue;
    const chain = [];
    for (let p = parent.get(id); p && chain.length < 6; p = parent.get(p.id)) {
      chain.push(`${p.callFrame.functionName || '(anon)'}@${shortUrl(p.callFrame.url)}:${p.callFrame.lineNumber + 1}`);
    }
    const key = chain.join(' < ');
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  console.log(`\ncallers of ${target}:`);
  for (const [k, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${ms(us)} ms  ${k}`);
}
