// The tools under test, each with an untimed set-up and one timed backup command per pass, and where its
// objects land (for the bytes-uploaded measure). A destination is { kind: 'local', dir } or
// { kind: 's3', endpoint, runId, accessKey, secretKey }. Coffer runs twice: with its default key custody
// (the OS keychain, here gnome-keyring on the bench's private D-Bus) and with a passphrase (scrypt).
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

const s3Where = (dest, bucket) => ({ kind: 's3', bucket, endpoint: dest.endpoint, accessKey: dest.accessKey, secretKey: dest.secretKey });

/**
 * Coffer. custody 'keychain' = the default `keychain:` key (no KDF per pass); 'passphrase' = its scrypt
 * unlock (N=2^17, r=8) in every process, as for a user without a desktop keychain.
 */
function cofferTool(custody) {
  return (src, dest, scratch, ctx) => {
    const home = join(scratch, 'coffer-home');
    const env = custody === 'passphrase'
      ? baseEnv(dest, { COFFER_HOME: home, COFFER_PASSPHRASE: PASSWORD })
      : baseEnv(dest, { COFFER_HOME: home, ...ctx.keyringEnv });
    if (custody === 'keychain') delete env.COFFER_PASSPHRASE;
    let where;
    return {
      name: custody === 'passphrase' ? 'coffer-pass' : 'coffer',
      label: `Coffer (${custody === 'passphrase' ? 'passphrase' : 'keychain, default'})`,
      home,
      async prepare() {
        if (custody === 'keychain' && !ctx.keyringEnv) throw new Error('no Secret Service for the keychain rows');
        mkdirSync(home, { recursive: true });
        let remote;
        if (dest.kind === 'local') {
          where = { kind: 'local', dir: mkdirOut(join(dest.dir, `coffer-${custody}`)) };
          remote = ['--remote', `file://${where.dir}`];
        } else {
          where = s3Where(dest, await createBucket(dest, `${ctx.scenario}-coffer-${custody.slice(0, 4)}`));
          remote = ['--remote', `s3://${where.bucket}`, '--endpoint', dest.endpoint];
        }
        const key = custody === 'passphrase' ? 'passphrase' : `keychain:bench-${ctx.scenario}-${dest.kind}-${ctx.runId}`;
        await must('node', [COFFER, 'init', src, ...remote, '--key', key], { env });
      },
      command: () => ({ cmd: 'node', args: [COFFER, 'sync', src], env }),
      watchCommand: () => ({ cmd: 'node', args: [COFFER, 'watch', src], env }),
      remote: () => where,
    };
  };
}

/** rclone crypt over a local or S3 remote, configured only through RCLONE_CONFIG_* variables. */
export function rclone(src, dest, scratch, ctx) {
  const env = baseEnv(dest, { RCLONE_CONFIG: join(scratch, 'rclone.conf') });
  // rclone 1.60 fails to start with the AWS_CA_BUNDLE this environment sets (recipes.md).
  delete env.AWS_CA_BUNDLE;
  let where;
  return {
    name: 'rclone',
    label: 'rclone crypt',
    async prepare() {
      writeFileSync(env.RCLONE_CONFIG, '');
      const obscured = (await must('rclone', ['obscure', PASSWORD], { env })).trim();
      if (dest.kind === 'local') {
        where = { kind: 'local', dir: mkdirOut(join(dest.dir, 'rclone')) };
        Object.assign(env, { RCLONE_CONFIG_BENCHCRYPT_REMOTE: where.dir });
      } else {
        where = s3Where(dest, await createBucket(dest, `${ctx.scenario}-rclone`));
        Object.assign(env, {
          RCLONE_CONFIG_BENCHS3_TYPE: 's3', RCLONE_CONFIG_BENCHS3_PROVIDER: 'Ceph', RCLONE_CONFIG_BENCHS3_ENDPOINT: dest.endpoint,
          RCLONE_CONFIG_BENCHS3_ACCESS_KEY_ID: dest.accessKey, RCLONE_CONFIG_BENCHS3_SECRET_ACCESS_KEY: dest.secretKey,
          RCLONE_CONFIG_BENCHS3_REGION: 'us-east-1', RCLONE_CONFIG_BENCHCRYPT_REMOTE: `benchs3:${where.bucket}`,
        });
      }
      Object.assign(env, { RCLONE_CONFIG_BENCHCRYPT_TYPE: 'crypt', RCLONE_CONFIG_BENCHCRYPT_PASSWORD: obscured });
    },
    command: () => ({ cmd: 'rclone', args: ['sync', src, 'benchcrypt:'], env }),
    /** Start-up plus crypt's key derivation (scrypt N=16384) and no listing: decoding one name. */
    openCommand: () => ({ cmd: 'rclone', args: ['cryptdecode', '--reverse', 'benchcrypt:', 'x'], env }),
    remote: () => where,
  };
}

/** restic with a repository in the folder or bucket; its cache lives in the scratch folder. */
export function restic(src, dest, scratch, ctx) {
  const env = baseEnv(dest, { RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: join(scratch, 'restic-cache') });
  let where;
  return {
    name: 'restic',
    label: 'restic',
    async prepare() {
      if (dest.kind === 'local') {
        where = { kind: 'local', dir: join(dest.dir, 'restic') };
        env.RESTIC_REPOSITORY = where.dir;
      } else {
        where = s3Where(dest, await createBucket(dest, `${ctx.scenario}-restic`));
        env.RESTIC_REPOSITORY = `s3:${dest.endpoint}/${where.bucket}`;
      }
      await must('restic', ['init'], { env });
    },
    command: () => ({ cmd: 'restic', args: ['backup', '--quiet', '--host', 'bench', src], env }),
    /** Start-up, the key file's scrypt (calibrated at init) and reading the config: no backup. */
    openCommand: () => ({ cmd: 'restic', args: ['cat', 'config', '--quiet'], env }),
    remote: () => where,
  };
}

export const TOOLS = { coffer: cofferTool('keychain'), 'coffer-pass': cofferTool('passphrase'), rclone, restic };
export const isCoffer = (name) => name.startsWith('coffer');

function mkdirOut(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}
