// A Ceph RGW for `npm run soak` when no server is given: the same script the test run's global setup uses.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../support/start-ceph-rgw.sh', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startOwnRgw(log: (line: string) => void): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-soak-rgw-'));
  const cluster = join(dir, 'cluster');
  const stop = async () => {
    // memstore keeps nothing worth a clean shutdown
    for (const f of (await readdir(join(cluster, 'run')).catch(() => [] as string[])).filter((x) => x.endsWith('.pid'))) {
      const pid = Number((await readFile(join(cluster, 'run', f), 'utf8')).trim());
      if (Number.isInteger(pid) && pid > 1) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  const port = await freePort();
  const monPort = await freePort();
  log(`soak: starting Ceph RGW on 127.0.0.1:${port}`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('bash', [SCRIPT, cluster, String(port)], { env: { MEMSTORE_BYTES: String(6 * 1024 ** 3), ...process.env, MON_PORT: String(monPort) }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', resolve);
  });
  if (code !== 0) {
    await stop();
    throw new Error(`start-ceph-rgw.sh failed (exit ${code}); install Ceph with: apt-get install -y ceph-mon ceph-osd radosgw ceph-common curl openssl`);
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}
