// Turns measured rows into the results tables and Coffer's standing against the issue's targets, each
// Coffer row (keychain, passphrase) judged on its own against the faster peer of the same run.
export const TARGETS = { coldRatio: 1.25, noChangeRatio: 0.8, smallChangeRatio: 0.8, rssMB: 300, rss100kMB: 400, noChange100kS: 3, editUploadMiB: 4, watchP95S: 2 };

const f = (n, d = 2) => (n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(d));
const isCoffer = (t) => t.startsWith('coffer');

/** rows: { scenario, dest, tool, label, case, bytes, wallS, rssMB, userS, sysS, upBytes, upObjects, error? } */
export function table(rows) {
  const lines = ['| data | destination | tool | case | wall s | MB/s | uploaded MB (objects) | peak RSS MB | CPU s |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const head = `| ${r.scenarioTitle} | ${r.dest} | ${r.label} | ${r.case}${r.runs ? ` (median of ${r.runs})` : ''} |`;
    if (r.error) {
      lines.push(`${head} failed: ${r.error.split('\n')[0].slice(0, 100)} | | | | |`);
      continue;
    }
    const mbps = r.bytes > 0 ? f(r.bytes / 1e6 / r.wallS, 0) : '-';
    const up = r.upBytes === undefined ? '-' : `${f(r.upBytes / 1e6, 2)} (${r.upObjects})`;
    const wall = r.wallRange ? `${f(r.wallS)} (${f(r.wallRange[0])}-${f(r.wallRange[1])})` : f(r.wallS);
    lines.push(`${head} ${wall} | ${mbps} | ${up} | ${f(r.rssMB, 0)} | ${f(r.userS + r.sysS, 1)} |`);
  }
  return lines.join('\n');
}

export function watchTable(watch) {
  if (!watch.length) return '';
  const lines = ['| destination | tool | saves (1 s apart) | p50 s | p95 s | max s | not committed in 15 s | watch peak RSS MB (VmHWM) |', '|---|---|---|---|---|---|---|---|'];
  for (const w of watch) {
    if (w.error) lines.push(`| ${w.dest} | ${w.label} | failed: ${w.error.split('\n')[0].slice(0, 100)} | | | | | |`);
    else lines.push(`| ${w.dest} | ${w.label} | ${w.saves} | ${f(w.p50 / 1000)} | ${f(w.p95 / 1000)} | ${f(w.latenciesMs.at(-1) / 1000)} | ${w.missed} | ${f(w.rssMB, 0)} |`);
  }
  return lines.join('\n');
}

/** Peers' start-up + key derivation (no backup), against their no-change pass. */
export function kdfTable(opens, rows) {
  if (!opens.length) return '';
  const lines = ['| destination | peer | open only (start-up + KDF + config) s | its no-change pass s | share |', '|---|---|---|---|---|'];
  for (const o of opens) {
    const nc = rows.find((r) => r.scenario === 'mix' && r.dest === o.dest && r.tool === o.tool && r.case === 'no-change' && !r.error);
    const share = nc && o.openS !== undefined ? o.openS / nc.wallS : undefined;
    lines.push(`| ${o.dest} | ${o.label} | ${o.error ? `failed: ${o.error.split('\n')[0]}` : f(o.openS)} | ${f(nc?.wallS)} | ${share === undefined ? '-' : `${f(share * 100, 0)} %${share >= 0.5 ? ' (dominates)' : ''}`} |`);
  }
  return lines.join('\n');
}

/** One line per target and Coffer row: Coffer's figure, the ratio to the faster peer, the target, met. */
export function verdicts(rows, watch) {
  const out = ['| data | destination | Coffer row | measure | Coffer | vs faster peer | target | met |', '|---|---|---|---|---|---|---|---|'];
  const ok = rows.filter((r) => !r.error);
  const groups = [...new Set(ok.map((r) => `${r.scenario}\u0000${r.dest}`))].map((k) => k.split('\u0000'));
  for (const [scenario, dest] of groups) {
    const g = ok.filter((r) => r.scenario === scenario && r.dest === dest);
    const title = g[0].scenarioTitle;
    const peersOf = (c) => g.filter((r) => !isCoffer(r.tool) && r.case === c);
    for (const mine of g.filter((r) => isCoffer(r.tool))) {
      const peers = peersOf(mine.case);
      const fastest = peers.length ? peers.reduce((a, b) => (a.wallS <= b.wallS ? a : b)) : null;
      const timeRatio = fastest ? `${f(mine.wallS / fastest.wallS)}x ${fastest.tool} time` : '-';
      const add = (measure, value, vs, target, met) => out.push(`| ${title} | ${dest} | ${mine.label} | ${measure} | ${value} | ${vs} | ${target} | ${met === null ? '-' : met ? 'yes' : '**no**'} |`);
      if (scenario === 'mix' && mine.case === 'cold' && fastest) {
        const ratio = (mine.bytes / mine.wallS) / (fastest.bytes / fastest.wallS);
        add('cold MB/s', f(mine.bytes / 1e6 / mine.wallS, 0), `${f(ratio)}x ${fastest.tool}`, `>= ${TARGETS.coldRatio}x`, ratio >= TARGETS.coldRatio);
      } else if (scenario === 'mix' && mine.case === 'no-change' && fastest) {
        add('no-change time', `${f(mine.wallS)} s`, timeRatio, `<= ${TARGETS.noChangeRatio}x`, mine.wallS / fastest.wallS <= TARGETS.noChangeRatio);
      } else if (scenario === 'mix' && mine.case === 'small-change' && fastest) {
        const s3 = dest.startsWith('S3');
        add('small-change time', `${f(mine.wallS)} s`, timeRatio, s3 ? `<= ${TARGETS.smallChangeRatio}x` : '(target is for S3)', s3 ? mine.wallS / fastest.wallS <= TARGETS.smallChangeRatio : null);
      } else if (scenario === '100k' && mine.case === 'no-change') {
        const full = title.startsWith('100,000 ');
        add('no-change, whole process', `${f(mine.wallS)} s`, timeRatio, `<= ${TARGETS.noChange100kS} s${full ? '' : ' (for 100,000 files)'}`, full ? mine.wallS <= TARGETS.noChange100kS : null);
      } else if (scenario === '100k' && mine.case === 'cold') {
        add('cold, whole process', `${f(mine.wallS)} s`, timeRatio, '(no target)', null);
      } else if (scenario === 'bigedit' && mine.case !== 'cold') {
        const least = peers.length ? peers.reduce((a, b) => (a.upBytes <= b.upBytes ? a : b)) : null;
        const vs = least ? `${f(mine.upBytes / 1e6)} vs ${f(least.upBytes / 1e6)} MB (${least.tool}); ${timeRatio}` : timeRatio;
        const edit = mine.case.startsWith('edit');
        add(`${mine.case}: uploaded`, `${f(mine.upBytes / 2 ** 20)} MiB in ${f(mine.wallS)} s`, vs, edit ? `<= ${TARGETS.editUploadMiB} MiB` : '(no target)', edit ? mine.upBytes <= TARGETS.editUploadMiB * 2 ** 20 : null);
      }
    }
    for (const tool of [...new Set(g.filter((r) => isCoffer(r.tool)).map((r) => r.tool))]) {
      const mineRows = g.filter((r) => r.tool === tool);
      const rss = Math.max(...mineRows.map((r) => r.rssMB));
      const cap = scenario === '100k' ? TARGETS.rss100kMB : TARGETS.rssMB;
      out.push(`| ${title} | ${dest} | ${mineRows[0].label} | peak RSS (any pass) | ${f(rss, 0)} MB | - | <= ${cap} MB | ${rss <= cap ? 'yes' : '**no**'} |`);
    }
  }
  for (const w of watch.filter((x) => !x.error)) {
    const met = w.missed === 0 && w.p95 / 1000 <= TARGETS.watchP95S;
    out.push(`| watch | ${w.dest} | ${w.label} | save -> committed p95 | ${f(w.p95 / 1000)} s (p50 ${f(w.p50 / 1000)} s) | (no peer watches) | <= ${TARGETS.watchP95S} s | ${met ? 'yes' : '**no**'} |`);
  }
  return out.join('\n');
}
