// Puts a run's section at the top of bench/RESULTS.md (under its title), keeping the history below.
import { readFileSync, writeFileSync } from 'node:fs';

export function recordResults(file, section) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmark results\n';
  }
  const title = /^# .*\n+/.exec(text);
  const head = title ? title[0] : '# Benchmark results\n\n';
  const rest = title ? text.slice(title[0].length) : text;
  writeFileSync(file, `${head}${section.trim()}\n\n${rest}`);
}
