// Crash test: a child process appends journal records and is killed with SIGKILL at random moments
// (during appends, commits and compactions). After each kill the journal must hold every record whose
// append() had resolved, no corrupt line, and nothing a crash could not explain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { encodeLine } from '../../src-main/engine/journal/line-codec.ts';

const loader = resolve('test/support/ts-loader.mjs');
const child = resolve('test/journal/fixtures/journal-child.ts');

interface RoundResult {
  intents: string[];
  commits: number[];
}

/** Runs the child until `killAfterMs` after it is ready, then SIGKILLs it. Only whole stdout lines count. */
function runAndKill(dir: string, killAfterMs: number): Promise<RoundResult> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--import', loader, child, dir, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      if (out === '' ) setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', fail);
    p.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`child exited (${code}) before the kill: ${err}`));
      const lines = out.split('\n').slice(0, -1); // the last piece may be a torn line
      done({
        intents: lines.filter((l) => l.startsWith('acked intent ')).map((l) => l.slice(13)),
        commits: lines.filter((l) => l.startsWith('acked commit ')).map((l) => Number(l.slice(13))),
      });
    });
  });
}

/** Small deterministic PRNG so a failing schedule can be replayed from the seed in the test name. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-kill9-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journal under kill -9', () => {
  const seed = 20240607;
  it(`keeps every acknowledged record across 6 kills (seed ${seed})`, async () => {
    const rand = lcg(seed);
    const acked = new Set<string>();
    let maxCommit = 0;
    let totalAcked = 0;
    for (let round = 0; round < 6; round++) {
      const r = await runAndKill(dir, 20 + Math.floor(rand() * 400));
      r.intents.forEach((id) => acked.add(id));
      maxCommit = Math.max(maxCommit, ...r.commits);
      totalAcked += r.intents.length;
      if (round % 2 === 1) {
        // What a power cut could add on top: part of a record that never got its fsync.
        const line = encodeLine({ type: 'intent', objectId: 'torn', kind: 'data', files: [] });
        await appendFile(join(dir, 'journal.jsonl'), line.subarray(0, 1 + Math.floor(rand() * (line.length - 2))));
      }

      // Reopening takes over the dead child's lock.
      const j = await FileJournal.open(dir);
      expect(j.recovery.corruptLines).toEqual([]);
      const last = j.lastCommitted()?.seq ?? 0;
      expect(last).toBeGreaterThanOrEqual(maxCommit);
      const pending = await j.pending();
      const ids = pending.map((rec) => {
        expect(rec.type).toBe('intent');
        return (rec as { objectId: string }).objectId;
      });
      expect(new Set(ids).size).toBe(ids.length);
      // Every pending intent belongs to the epoch after the last durable commit...
      for (const id of ids) expect(id.split('-')[1]).toBe(String(last));
      // ...and every acknowledged intent of that epoch is there (older epochs were committed).
      const expected = [...acked].filter((id) => id.split('-')[1] === String(last));
      expect(ids).toEqual(expect.arrayContaining(expected));
      await j.close();
    }
    // The schedule must actually have exercised appends, not only start-up.
    expect(totalAcked).toBeGreaterThan(0);
  });
});
