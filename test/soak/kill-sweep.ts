// The kill sweep: N seeded kill -9 points across one whole `coffer sync` of the real CLI against a real S3
// server; each is resumed, restored and compared, and its bucket is audited. `npm run soak` prints the
// figures (scripts/soak.ts); test/engine/kill-sweep.test.ts runs a small N in `npm test`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import type { VaultEnv } from '../../src-main/engine/vault/remote-vault.ts';
import { changeBetweenKillAndResume, DEFAULT_SHAPE, fileHashes, SeededRandom, writeDataset, type DatasetShape } from './sweep-dataset.ts';
import { dropBucket, leftoverUploads, s3Client, unreferencedObjects, type S3Target } from './bucket-audit.ts';

const BIN = fileURLToPath(new URL('../../bin/coffer.js', import.meta.url));
const PASSPHRASE = 'soak passphrase';
/** Cheap scrypt, as in the engine tests: the sweep measures syncing, not key derivation. */
const KDF = { N: 1024, r: 8, p: 1 };
const PREFIX = 'vault';

export interface SweepOptions {
  n: number;
  seed: number;
  s3: S3Target;
  shape?: DatasetShape;
  /** Each point's line as it finishes. */
  log?: (line: string) => void;
}

export interface KillPoint {
  i: number;
  delayMs: number;
  /** false when the pass finished before the kill came (the point tested a plain resume-less pass). */
  killed: boolean;
  changedBeforeResume: boolean;
  resumeFailed: boolean;
  /** A second resume failed as well: the vault is stuck, not unlucky. */
  stuck: boolean;
  reason?: string;
  lost: number;
  corrupted: number;
  leftoverUploads: number;
  unreferenced: number;
}

export interface SweepFigures {
  n: number;
  seed: number;
  passMs: number;
  killed: number;
  changedBeforeResume: number;
  wedged: number;
  stuck: number;
  lostFiles: number;
  /** Files not in the vault because its resume failed (they are still in the folder). */
  unstoredInWedged: number;
  corruptedFiles: number;
  leftoverUploads: number;
  unreferencedObjects: number;
  elapsedMs: number;
  points: KillPoint[];
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => child.on('close', (code, signal) => {
    if (timer) clearTimeout(timer);
    resolve({ code, signal, stderr });
  }));
}

/** One kill point's world: a folder, a state home and a fresh bucket with an initialised vault. */
async function freshVault(s3: S3Target, seed: number, shape: DatasetShape) {
  const root = await mkdtemp(join(tmpdir(), 'coffer-soak-'));
  const folder = join(root, 'folder');
  const home = join(root, 'home');
  await mkdir(folder);
  await writeDataset(folder, seed, shape);
  const bucket = `coffer-soak-${randomBytes(6).toString('hex')}`;
  const client = s3Client(s3);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const env: VaultEnv = { home, passphrase: async () => PASSPHRASE, kdf: KDF };
  const { vault } = await LocalVault.init(env, { folder, remote: `s3://${bucket}/${PREFIX}`, endpoint: s3.endpoint, keyRef: 'passphrase' });
  await vault.close();
  const cliEnv = {
    COFFER_HOME: home, COFFER_PASSPHRASE: PASSPHRASE, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return { root, folder, home, bucket, client, env, cliEnv };
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim().length > 0)?.trim().slice(0, 300) ?? '(no message)';
}

export async function runSweep(opts: SweepOptions): Promise<SweepFigures> {
  const shape = opts.shape ?? DEFAULT_SHAPE;
  const log = opts.log ?? (() => undefined);
  // The engine half (init, reading the manifest) finds S3 credentials where the CLI does.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: opts.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: opts.s3.secretAccessKey, AWS_REGION: 'us-east-1' });
  const started = Date.now();

  // One whole pass, unkilled, sets the span the kill points are spread over.
  const cal = await freshVault(opts.s3, opts.seed, shape);
  const t0 = Date.now();
  const full = await cli(['sync', cal.folder], cal.cliEnv);
  const passMs = Date.now() - t0;
  await dropBucket(cal.client, cal.bucket);
  cal.client.destroy();
  await rm(cal.root, { recursive: true, force: true });
  if (full.code !== 0) throw new Error(`the calibration pass failed (exit ${full.code}): ${firstLine(full.stderr)}`);
  log(`calibration: one whole pass takes ${passMs} ms`);

  const rnd = new SeededRandom(opts.seed);
  const points: KillPoint[] = [];
  // A busy machine makes one pass slower than the next: a pass that ends before its kill narrows the span.
  let spanMs = passMs;
  for (let i = 0; i < opts.n; i++) {
    // Spread over the pass, with process start-up and the commit at the ends included.
    const delayMs = Math.round(spanMs * (0.03 + 0.97 * rnd.next()));
    const change = rnd.next() < 0.5;
    const w = await freshVault(opts.s3, opts.seed, shape);
    try {
      const runStart = Date.now();
      const killedRun = await cli(['sync', w.folder], w.cliEnv, delayMs);
      const killed = killedRun.signal === 'SIGKILL';
      if (!killed && killedRun.code === 0) spanMs = Math.min(spanMs, Date.now() - runStart);
      if (change) await changeBetweenKillAndResume(w.folder, opts.seed + i);
      const resume = await cli(['sync', w.folder], w.cliEnv);
      const resumeFailed = resume.code !== 0;
      const again = resumeFailed ? await cli(['sync', w.folder], w.cliEnv) : null;
      const stuck = !!again && again.code !== 0;

      const out = join(w.root, 'restored');
      const restore = await cli(['restore', w.folder, '--to', out], w.cliEnv);
      const want = await fileHashes(w.folder);
      const got = restore.code === 0 ? await fileHashes(out) : new Map<string, string>();
      let lost = 0, corrupted = 0;
      for (const [path, hash] of want) {
        if (!got.has(path)) lost++;
        else if (got.get(path) !== hash) corrupted++;
      }
      const point: KillPoint = {
        i, delayMs, killed, changedBeforeResume: change, resumeFailed, stuck, lost, corrupted,
        leftoverUploads: await leftoverUploads(w.client, w.bucket),
        unreferenced: await unreferencedObjects(w.env, w.folder, w.client, w.bucket, PREFIX),
        ...(resumeFailed ? { reason: firstLine(resume.stderr) } : restore.code !== 0 ? { reason: `restore: ${firstLine(restore.stderr)}` } : {}),
      };
      points.push(point);
      log(`kill ${i + 1}/${opts.n} at ${delayMs} ms${killed ? '' : ' (pass already done)'}${change ? ', changed' : ''}: ` +
        `${resumeFailed ? `RESUME FAILED${stuck ? ' twice' : ''} (${point.reason})` : 'resumed'}, lost ${lost}, corrupted ${corrupted}, ` +
        `uploads left ${point.leftoverUploads}, unreferenced ${point.unreferenced}`);
    } finally {
      await dropBucket(w.client, w.bucket).catch(() => undefined); // a bucket left behind costs memory, not results
      w.client.destroy();
      await rm(w.root, { recursive: true, force: true });
    }
  }
  const sum = (f: (p: KillPoint) => number) => points.reduce((n, p) => n + f(p), 0);
  return {
    n: opts.n, seed: opts.seed, passMs,
    killed: sum((p) => (p.killed ? 1 : 0)),
    changedBeforeResume: sum((p) => (p.changedBeforeResume ? 1 : 0)),
    wedged: sum((p) => (p.resumeFailed ? 1 : 0)),
    stuck: sum((p) => (p.stuck ? 1 : 0)),
    // A wedged vault's files are missing because it cannot commit; counted apart from losses by a resume.
    lostFiles: sum((p) => (p.resumeFailed ? 0 : p.lost)),
    unstoredInWedged: sum((p) => (p.resumeFailed ? p.lost : 0)),
    corruptedFiles: sum((p) => p.corrupted),
    leftoverUploads: sum((p) => p.leftoverUploads),
    unreferencedObjects: sum((p) => p.unreferenced),
    elapsedMs: Date.now() - started,
    points,
  };
}

/** The figures as the lines `npm run soak` prints and docs/RELIABILITY.md records. */
export function describeFigures(f: SweepFigures): string[] {
  return [
    `kill points: ${f.n} (seed ${f.seed}; ${f.killed} killed mid-pass, the rest finished first; ${f.changedBeforeResume} with files changed before the resume)`,
    `one whole pass: ${f.passMs} ms; sweep took ${(f.elapsedMs / 1000).toFixed(1)} s`,
    `wedged vaults (resume failed): ${f.wedged} (failed a second resume too: ${f.stuck})`,
    `lost files: ${f.lostFiles}; corrupted files: ${f.corruptedFiles}; files left unstored by wedged vaults: ${f.unstoredInWedged}`,
    `leftover multipart uploads: ${f.leftoverUploads}`,
    `unreferenced objects (freed by retention after its 1-day grace): ${f.unreferencedObjects}`,
  ];
}
