// The three tools under test, each with an untimed set-up and one timed backup command per pass.
// A destination is { kind: 'local', dir } or { kind: 's3', endpoint, bucket(tool) , accessKey, secretKey }.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { must } from './measure.mjs';
import { createBucket } from './s3-buckets.mjs';

const COFFER = fileURLToPath(new URL('../bin/coffer.js', import.meta.url));
const PASSWORD = 'coffer-bench-passphrase';

function baseEnv(dest, extra) {
  const env = { ...process.env, ...extra };
  if (dest.kind === 's3') Object.assign(env, { AWS_ACCESS_KEY_ID: dest.accessKey, AWS_SECRET_ACCESS_KEY: dest.secretKey, AWS_REGION: 'us-east-1' });
  return env;
}

/** Coffer: passphrase key (headless); its scrypt unlock is part of every pass, as for a real user. */
export function coffer(src, dest, scratch) {
  const home = join(scratch, 'coffer-home');
  const env = baseEnv(dest, { COFFER_HOME: home, COFFER_PASSPHRASE: PASSWORD });
  return {
    name: 'coffer',
    async prepare() {
      mkdirSync(home, { recursive: true });
      const remote = dest.kind === 'local' ? ['--remote', `file://${mkdirOut(join(dest.dir, 'coffer'))}`]
        : ['--remote', `s3://${await createBucket(dest, 'coffer')}`, '--endpoint', dest.endpoint];
      await must('node', [COFFER, 'init', src, ...remote, '--key', 'passphrase'], { env });
    },
    command: () => ({ cmd: 'node', args: [COFFER, 'sync', src], env }),
  };
}

/** rclone crypt over a local or S3 remote, configured only through RCLONE_CONFIG_* variables. */
export function rclone(src, dest, scratch) {
  const env = baseEnv(dest, { RCLONE_CONFIG: join(scratch, 'rclone.conf') });
  // rclone 1.60 fails to start with the AWS_CA_BUNDLE this environment sets (recipes.md).
  delete env.AWS_CA_BUNDLE;
  return {
    name: 'rclone',
    async prepare() {
      writeFileSync(env.RCLONE_CONFIG, '');
      const obscured = (await must('rclone', ['obscure', PASSWORD], { env })).trim();
      if (dest.kind === 'local') {
        Object.assign(env, { RCLONE_CONFIG_BENCHCRYPT_REMOTE: mkdirOut(join(dest.dir, 'rclone')) });
      } else {
        const bucket = await createBucket(dest, 'rclone');
        Object.assign(env, {
          RCLONE_CONFIG_BENCHS3_TYPE: 's3', RCLONE_CONFIG_BENCHS3_PROVIDER: 'Ceph', RCLONE_CONFIG_BENCHS3_ENDPOINT: dest.endpoint,
          RCLONE_CONFIG_BENCHS3_ACCESS_KEY_ID: dest.accessKey, RCLONE_CONFIG_BENCHS3_SECRET_ACCESS_KEY: dest.secretKey,
          RCLONE_CONFIG_BENCHS3_REGION: 'us-east-1', RCLONE_CONFIG_BENCHCRYPT_REMOTE: `benchs3:${bucket}`,
        });
      }
      Object.assign(env, { RCLONE_CONFIG_BENCHCRYPT_TYPE: 'crypt', RCLONE_CONFIG_BENCHCRYPT_PASSWORD: obscured });
    },
    command: () => ({ cmd: 'rclone', args: ['sync', src, 'benchcrypt:'], env }),
  };
}

/** restic with a repository in the folder or bucket; its cache lives in the scratch folder. */
export function restic(src, dest, scratch) {
  const env = baseEnv(dest, { RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: join(scratch, 'restic-cache') });
  return {
    name: 'restic',
    async prepare() {
      env.RESTIC_REPOSITORY = dest.kind === 'local' ? join(dest.dir, 'restic') : `s3:${dest.endpoint}/${await createBucket(dest, 'restic')}`;
      await must('restic', ['init'], { env });
    },
    command: () => ({ cmd: 'restic', args: ['backup', '--quiet', '--host', 'bench', src], env }),
  };
}

export const TOOLS = { coffer, rclone, restic };

function mkdirOut(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}
