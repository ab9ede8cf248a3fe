import { parseArgs } from 'node:util';
import { makeOutput } from './output.ts';
import { engineEnv, type CommandContext } from './context.ts';
import { UsageError } from './prompt.ts';
import { describeError } from './error-text.ts';

const HELP = `coffer: encrypt a folder on this machine and sync only ciphertext to S3 or a folder.

Usage:
  coffer init <folder> --remote <s3://bucket[/prefix] | file:///abs/path> [--key keychain:<name> | --key passphrase] [--endpoint <url>]
              [--sse none | aes256 | aws:kms[:<key-id>] | c] [--storage-class <S3 class>]
              [--object-lock governance:<days> | compliance:<days>]
  coffer sync [<folder>] [--json] [--allow-mass-delete]
  coffer watch [<folder>]
  coffer restore [<folder>] --to <dir> [--path <relpath>] [--at <ISO-8601 time>] [--json]
  coffer restore --remote <url> --key <keyref> --to <dir>
  coffer restore --remote <url> --recovery-key <key | @file> --to <dir>
                                            restore also takes --preserve-mode (keep set-uid, set-gid,
                                            sticky and world-writable bits; dropped by default)
  coffer verify [<folder>] [--read-data | --sample <percent>] [--json]
  coffer verify [<folder>] --quick [--json]   every object of every snapshot by HEAD: present, checksum/MD5 (no download)
  coffer verify --remote <url> (--key <keyref> | --recovery-key <key | @file>) [--sample <percent>]
  coffer status [<folder>] [--json]
  coffer history [<folder>] [--limit <n>] [--json]
  coffer versions <path> [--json]
  coffer reindex [<folder>]
  coffer keys list | show | rotate | set-rotation --days N | schedule-deletion --days N [--force] | cancel-deletion | audit [--verify] | export-recovery
  coffer keys rewrap [--to <version>]       re-seal objects wrapped under older key versions (resumable)
  coffer keys create [--type aes-256 | rsa-4096 | x25519] [--out <file>]
                                            aes-256 on an existing vault adds a key version (same as rotate)
  coffer ui [--port <n>]

Options: --json (machine-readable output), --debug (stack traces), --endpoint <url> (S3-compatible server),
--bwlimit <KiB/s> (limit upload and download bandwidth for this run), --profile <name> (AWS profile for S3),
--allow-http (plain http to a non-loopback endpoint). Environment: COFFER_HOME (state folder),
COFFER_PASSPHRASE, AWS_* (credentials, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS).
`;

type Command = (ctx: CommandContext) => Promise<number>;

/** Loaded on demand: the AWS SDKs are heavy, and `coffer --help` or a usage error should be instant. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init.ts')).initCommand,
  sync: async () => (await import('./commands/sync.ts')).syncCommand,
  watch: async () => (await import('./commands/watch.ts')).watchCommand,
  restore: async () => (await import('./commands/restore.ts')).restoreCommand,
  verify: async () => (await import('./commands/verify.ts')).verifyCommand,
  status: async () => (await import('./commands/info.ts')).statusCommand,
  history: async () => (await import('./commands/info.ts')).historyCommand,
  versions: async () => (await import('./commands/info.ts')).versionsCommand,
  reindex: async () => (await import('./commands/reindex.ts')).reindexCommand,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  ui: async () => (await import('./commands/ui.ts')).uiCommand,
};

const OPTIONS = {
  json: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  remote: { type: 'string' }, key: { type: 'string' }, endpoint: { type: 'string' }, 'allow-http': { type: 'boolean' },
  'recovery-kit': { type: 'string' }, to: { type: 'string' }, path: { type: 'string' }, at: { type: 'string' },
  'recovery-key': { type: 'string' }, sample: { type: 'string' }, limit: { type: 'string' }, action: { type: 'string' },
  port: { type: 'string' }, days: { type: 'string' }, force: { type: 'boolean' }, verify: { type: 'boolean' },
  folder: { type: 'string' }, bwlimit: { type: 'string' }, profile: { type: 'string' }, 'allow-mass-delete': { type: 'boolean' }, 'no-open': { type: 'boolean' },
  sse: { type: 'string' }, type: { type: 'string' }, provider: { type: 'string' }, out: { type: 'string' },
  'preserve-mode': { type: 'boolean' },
  'read-data': { type: 'boolean' },
  quick: { type: 'boolean' }, 'storage-class': { type: 'string' }, 'object-lock': { type: 'string' },
} as const;

/** `--bwlimit <KiB/s>`: a per-run bandwidth limit, applied as a store wrapper. */
function bwlimit(value: string | undefined): { bwlimitKiBps?: number } {
  if (value === undefined) return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError('--bwlimit takes a whole number of KiB/s, e.g. --bwlimit 2048 for 2 MiB/s');
  return { bwlimitKiBps: n };
}

/** Runs the CLI; returns the exit code. Errors are one clear line unless --debug. */
export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const out = makeOutput({ json, debug });
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    debug = !!values.debug;
    const [name, ...args] = positionals;
    if (!name || values.help || name === 'help') {
      process.stdout.write(HELP);
      return name || values.help ? 0 : 2;
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command "${name}"; see coffer --help`);
    const command = await load();
    return await command({ args, flags: values as CommandContext['flags'], out, env: { ...(await engineEnv()), ...bwlimit(values.bwlimit) } });
  } catch (err) {
    out.endProgress();
    if (debug) process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    const usage = err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (json) process.stdout.write(`${JSON.stringify({ error: describeError(err) })}\n`);
    else process.stderr.write(`coffer: ${describeError(err)}\n`);
    return usage ? 2 : (await isBadData(err)) ? 3 : 1;
  }
}

/** A rolled-back or missing head is bad data in the bucket (3), like a damaged object; other errors 1. */
async function isBadData(err: unknown): Promise<boolean> {
  const { HeadIntegrityError } = await import('../engine/api.ts');
  return err instanceof HeadIntegrityError;
}
