// `npm test`: every step runs, even after one fails, so a failing node suite no longer hides the
// renderer suite. A step runs only when the steps it needs passed (the node suite drives the CLI over
// dist/, so it needs the build). The closing line counts tests over both vitest runs; the line before it
// names every step that failed or did not run, and the exit code is non-zero if any did.
import { spawn } from 'node:child_process';

const STEPS = [
  { name: 'build', cmd: 'npm run build' },
  { name: 'lint', cmd: 'npm run lint' },
  { name: 'typecheck', cmd: 'npm run typecheck' },
  { name: 'electronegativity', cmd: 'bash .ci/electronegativity.sh' },
  { name: 'node suites', cmd: 'npx vitest run', needs: ['build'], counts: true },
  { name: 'renderer suite', cmd: 'npx vitest run --config vitest.renderer.config.ts', counts: true },
];

/** Runs a shell command with its output passed through; resolves to its exit code and its output. */
function run(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (chunk) => {
      text += chunk;
      if (text.length > 1 << 20) text = text.slice(-(1 << 19)); // the tally is at the end
    };
    child.stdout.on('data', (d) => { process.stdout.write(d); keep(d); });
    child.stderr.on('data', (d) => { process.stderr.write(d); keep(d); });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), text }));
  });
}

/** Vitest's own tally ("Tests  3 failed | 120 passed | 2 skipped (125)"), or null when it printed none. */
function tally(text) {
  const line = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').reverse().find((l) => /^\s*Tests\s+\d/.test(l));
  if (!line) return null;
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped') };
}

const failed = [], notRun = [];
let passed = 0, failedTests = 0, skipped = 0;
for (const step of STEPS) {
  const missing = (step.needs ?? []).filter((n) => failed.includes(n) || notRun.includes(n));
  if (missing.length > 0) {
    console.log(`\n== ${step.name}: not run (needs ${missing.join(', ')})`);
    notRun.push(step.name);
    continue;
  }
  console.log(`\n== ${step.name}: ${step.cmd}`);
  const { code, text } = await run(step.cmd);
  if (step.counts) {
    const t = tally(text);
    if (t) {
      passed += t.passed;
      failedTests += t.failed;
      skipped += t.skipped;
    }
    // A suite that died before its tally ran tests nobody counted: it is a failed step, not a pass.
    if (!t && code === 0) {
      failed.push(`${step.name} (no tally)`);
      continue;
    }
  }
  if (code !== 0) failed.push(step.name);
}

console.log('');
console.log(`steps failed: ${failed.length ? failed.join(', ') : 'none'}; not run: ${notRun.length ? notRun.join(', ') : 'none'}`);
console.log(`tests: ${passed} passed, ${failedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed.length || notRun.length || failedTests ? 1 : 0;
