// Runs one whole process under /usr/bin/time -v: wall time, peak RSS and CPU, as the peers are measured.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {{ wallS: number, rssMB: number, userS: number, sysS: number, stdout: string }} */
export async function timed(cmd, args, { env = process.env, cwd } = {}) {
  // Dirty pages from the previous run would otherwise be flushed on this run's clock.
  spawnSync('sync');
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-time-'));
  const out = join(dir, 'time.txt');
  try {
    const { code, stdout, stderr } = await run('/usr/bin/time', ['-v', '-o', out, cmd, ...args], { env, cwd });
    const report = readFileSync(out, 'utf8');
    if (code !== 0) {
      throw new Error(`${cmd} ${args.join(' ')} exited ${code}\n${tail(stderr)}\n${tail(stdout)}`);
    }
    return { ...parseTimeV(report), stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses GNU time -v output. */
export function parseTimeV(text) {
  const field = (label) => {
    const line = text.split('\n').find((l) => l.trim().startsWith(label));
    if (!line) throw new Error(`/usr/bin/time output has no "${label}" line`);
    return line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const wall = field('Elapsed (wall clock) time').split(':').map(Number);
  const wallS = wall.reduce((acc, part) => acc * 60 + part, 0);
  return {
    wallS,
    rssMB: Number(field('Maximum resident set size (kbytes)')) / 1024,
    userS: Number(field('User time (seconds)')),
    sysS: Number(field('System time (seconds)')),
  };
}

/** Runs a command untimed (set-up steps); throws with its output on failure. */
export async function must(cmd, args, opts = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\n${tail(r.stderr)}\n${tail(r.stdout)}`);
  return r.stdout;
}

function run(cmd, args, { env = process.env, cwd, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout = keepTail(stdout + d); });
    child.stderr.on('data', (d) => { stderr = keepTail(stderr + d); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const keepTail = (s) => (s.length > 64_000 ? s.slice(-64_000) : s);
const tail = (s) => s.split('\n').slice(-15).join('\n');
