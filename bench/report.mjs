// Turns measured rows into the results table and Coffer's standing against the targets.
export const TARGETS = { coldRatio: 1.25, noChangeRatio: 0.8, rssMB: 300, rescan100kS: 3 };

const f = (n, d = 2) => (n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(d));

/** rows: { dest, tool, case, wallS, rssMB, userS, sysS, bytes, error? } */
export function table(rows) {
  const lines = ['| destination | tool | case | wall s | MB/s | peak RSS MB | CPU s (user+sys) |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.dest} | ${r.tool} | ${r.case} | failed: ${r.error.split('\n')[0].slice(0, 80)} | | | |`);
      continue;
    }
    const mbps = r.case === 'no-change' ? '-' : f(r.bytes / 1e6 / r.wallS, 0);
    lines.push(`| ${r.dest} | ${r.tool} | ${r.case} | ${f(r.wallS)} | ${mbps} | ${f(r.rssMB, 0)} | ${f(r.userS + r.sysS, 1)} |`);
  }
  return lines.join('\n');
}

/** Coffer against the faster peer, per destination, with a verdict for each target. */
export function verdicts(rows) {
  const out = [];
  for (const dest of [...new Set(rows.map((r) => r.dest))]) {
    const ok = rows.filter((r) => r.dest === dest && !r.error);
    const pick = (tool, c) => ok.find((r) => r.tool === tool && r.case === c);
    const peers = [...new Set(ok.map((r) => r.tool))].filter((t) => t !== 'coffer' && t !== 'coffer-huge');
    const cold = pick('coffer', 'cold');
    const peerCold = peers.map((t) => pick(t, 'cold')).filter(Boolean);
    if (cold && peerCold.length) {
      const best = peerCold.reduce((a, b) => (a.bytes / a.wallS >= b.bytes / b.wallS ? a : b));
      const ratio = (cold.bytes / cold.wallS) / (best.bytes / best.wallS);
      out.push(line(dest, 'cold MB/s', `${f(ratio)}x ${best.tool}`, `>= ${TARGETS.coldRatio}x`, ratio >= TARGETS.coldRatio));
    }
    for (const c of ['no-change', 'small-change']) {
      const mine = pick('coffer', c);
      const theirs = peers.map((t) => pick(t, c)).filter(Boolean);
      if (!mine || !theirs.length) continue;
      const best = theirs.reduce((a, b) => (a.wallS <= b.wallS ? a : b));
      const ratio = mine.wallS / best.wallS;
      if (c === 'no-change') out.push(line(dest, 'no-change time', `${f(ratio)}x ${best.tool}`, `<= ${TARGETS.noChangeRatio}x`, ratio <= TARGETS.noChangeRatio));
      else out.push(line(dest, 'small-change time', `${f(ratio)}x ${best.tool}`, '(no target)', null));
    }
    const rss = Math.max(...ok.filter((r) => r.tool.startsWith('coffer')).map((r) => r.rssMB));
    if (Number.isFinite(rss)) out.push(line(dest, 'peak RSS', `${f(rss, 0)} MB`, `<= ${TARGETS.rssMB} MB`, rss <= TARGETS.rssMB));
  }
  return ['| destination | measure | Coffer | target | met |', '|---|---|---|---|---|', ...out].join('\n');
}

function line(dest, what, value, target, met) {
  return `| ${dest} | ${what} | ${value} | ${target} | ${met === null ? '-' : met ? 'yes' : '**no**'} |`;
}
