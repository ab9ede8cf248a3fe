// Starts one Ceph RGW (real S3: SigV4, conditional PUT, multipart, SSE-C/KMS) for the whole test run.
// COFFER_TEST_S3_ENDPOINT (+ COFFER_TEST_S3_ACCESS_KEY / _SECRET_KEY) points the tests at a running
// server instead. A run whose test files never mention S3 (s3-env, s3Endpoint) starts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';
import type { GlobalSetup } from './global-setups.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
    s3AccessKey: string;
    s3SecretKey: string;
    /** Set when no S3 server is available: the reason tests skip. */
    s3SkipReason: string;
  }
}

const ACCESS = 'CIACCESSKEY';
const SECRET = 'CISECRETKEY';
const noop = async () => undefined;

export const setup: GlobalSetup = async (project) => {
  const given = process.env.COFFER_TEST_S3_ENDPOINT;
  if (given) {
    provide(project, given, process.env.COFFER_TEST_S3_ACCESS_KEY ?? ACCESS, process.env.COFFER_TEST_S3_SECRET_KEY ?? SECRET);
    return noop;
  }
  if (!(await runNeedsS3(project))) {
    project.provide('s3SkipReason', 'no test file in this run uses S3, so no server was started');
    return noop;
  }
  const missing = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'curl', 'openssl']
    .filter((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
  if (missing.length > 0) {
    const reason = `Ceph RGW not installed (missing ${missing.join(', ')}): apt-get install -y ceph-mon ceph-osd radosgw ceph-common curl openssl`;
    if (process.env.CI === 'true') throw new Error(reason);
    project.provide('s3SkipReason', reason);
    return noop;
  }
  const dir = await mkdtemp(join(tmpdir(), 'coffer-rgw-'));
  const cluster = join(dir, 'cluster');
  const port = await freePort(7480);
  const monPort = await freePort(3300);
  const script = join(dirname(fileURLToPath(import.meta.url)), 'start-ceph-rgw.sh');
  const stop = async () => {
    await killAll(join(cluster, 'run'));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run('bash', [script, cluster, String(port)], { ...process.env, MON_PORT: String(monPort) }, 120_000);
    const endpoint = `http://127.0.0.1:${port}`;
    await warmUp(endpoint);
    provide(project, endpoint, ACCESS, SECRET);
  } catch (err) {
    await stop();
    throw err;
  }
  return stop;
};

function provide(project: TestProject, endpoint: string, access: string, secret: string): void {
  project.provide('s3Endpoint', endpoint);
  project.provide('s3AccessKey', access);
  project.provide('s3SecretKey', secret);
}

/** True unless the run is filtered to files none of which mention S3. */
async function runNeedsS3(project: TestProject): Promise<boolean> {
  const v = project.vitest as unknown as { filenamePattern?: string[] };
  if (!v.filenamePattern?.length) return true;
  try {
    const specs = await project.vitest.getRelevantTestSpecifications(v.filenamePattern);
    for (const s of specs) {
      if (/s3-env|s3Endpoint|s3-server/.test(await readFile(s.moduleId, 'utf8'))) return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** The first request to a new RGW takes ~2 s (pool creation): pay it here, not in a test. */
async function warmUp(endpoint: string): Promise<void> {
  const client = new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
  });
  const bucket = `warmup-${process.pid}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  client.destroy();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${args[0]} failed (exit ${code}):\n${out.slice(-3000)}`));
    });
  });
}

/** memstore holds nothing worth a clean shutdown, so SIGKILL (a clean stop takes ~6.5 s). */
async function killAll(runDir: string): Promise<void> {
  const files = await readdir(runDir).catch(() => [] as string[]);
  for (const f of files.filter((n) => n.endsWith('.pid'))) {
    const pid = Number((await readFile(join(runDir, f), 'utf8')).trim());
    if (Number.isInteger(pid) && pid > 1) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** `preferred` when free, else any free port. */
async function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) => new Promise<number | null>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(p, '127.0.0.1', () => {
      const got = (srv.address() as { port: number }).port;
      srv.close(() => resolve(got));
    });
  });
  return (await tryPort(preferred)) ?? (await tryPort(0))!;
}
