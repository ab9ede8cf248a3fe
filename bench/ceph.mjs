// Starts a private Ceph RGW for the bench (its own ports, so the tests' cluster is left alone), and
// stops it. Returns null with a reason when the Ceph packages are missing: the S3 rows are then skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../test/support/start-ceph-rgw.sh', import.meta.url));

export function cephAvailable() {
  const missing = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'curl'].filter((b) => spawnSync('which', [b]).status !== 0);
  return missing.length ? `not installed: ${missing.join(', ')} (apt-get install -y ceph-mon ceph-osd radosgw ceph-common curl)` : null;
}

/**
 * @param dir scratch folder (wiped by the script)
 * @param port RGW port; MON_PORT is port - 4100 (7490 -> 3390)
 */
export function startCeph(dir, { port = 7490, memstoreGiB = 8 } = {}) {
  // The memstore OSD keeps objects in RAM with a 2 GiB default cap; three tools' copies of the
  // dataset need more. CEPH_ARGS reaches every daemon the script starts.
  const env = {
    ...process.env,
    MON_PORT: String(port - 4100),
    CEPH_ARGS: `--memstore_device_bytes=${memstoreGiB * 1024 ** 3}`,
  };
  execFileSync('bash', [SCRIPT, dir, String(port)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  return { endpoint: `http://127.0.0.1:${port}`, accessKey: 'CIACCESSKEY', secretKey: 'CISECRETKEY' };
}

export function stopCeph(dir) {
  const run = join(dir, 'run');
  if (!existsSync(run)) return;
  for (const f of readdirSync(run).filter((n) => n.endsWith('.pid'))) {
    const pid = Number(readFileSync(join(run, f), 'utf8').trim());
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
}
