import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Vault } from '../../engine/vault/vault.ts';
import { scanKeyUsage } from '../../engine/vault/key-usage.ts';
import { rewrapVault } from '../../engine/vault/rewrap.ts';
import { createAsymmetricKey, KeyUsageError, type AsymmetricType } from '../../engine/keys/index.ts';
import type { KeyStatus } from '../../engine/ports/key-provider.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { recoveryKitText } from './init.ts';
import { moveKeyCommand } from './key-custody.ts';

const USAGE = 'usage: coffer keys list | show [<key>] | rotate [<key>] | rewrap [--to <version>] | create [--type aes-256|rsa-4096|x25519] [--out <file>] | schedule-deletion [<key>] --days N [--force] | cancel-deletion [<key>] | set-rotation --days N | audit [--verify] | export-recovery | move --to keychain:<name>|passphrase | change-passphrase';
const KEY_TYPES = ['aes-256', 'rsa-4096', 'x25519'] as const;

function describe(s: KeyStatus): string {
  const lines = [`${s.ref}  ${s.provider} ${s.type}  ${s.state}${s.detail ? ` (${s.detail})` : ''}`];
  for (const v of s.versions) lines.push(`  version ${v.version}  created ${v.createdAt}${v.current ? '  (current)' : ''}`);
  if (s.rotation) lines.push(`  rotation: ${s.rotation.enabled ? `every ${s.rotation.periodDays} days` : 'off'}; last ${s.rotation.lastRotated ?? 'never'}; next ${s.rotation.nextRotation ?? '-'}`);
  if (s.deletionDate) lines.push(`  PENDING DELETION on ${s.deletionDate} (cancel with: coffer keys cancel-deletion)`);
  return lines.join('\n');
}

/** Key lifecycle for the vault's key. A vault has one key (with versions); <key> may be given for clarity. */
export async function keysCommand(ctx: CommandContext): Promise<number> {
  const [sub, maybeKey] = ctx.args;
  const type = str(ctx.flags, 'type') ?? 'aes-256';
  if (sub === 'create') {
    if (!(KEY_TYPES as readonly string[]).includes(type)) throw new UsageError(`unknown key type "${type}": use ${KEY_TYPES.join(', ')}`);
    // Refused before the vault is opened: no passphrase prompt for a request that cannot succeed.
    if (type === 'x25519') await createAsymmetricKey('x25519');
  }
  const vault = await Vault.open(ctx.env, str(ctx.flags, 'folder'));
  try {
    const key = vault.key;
    if (maybeKey && maybeKey !== key.ref && sub !== 'audit') throw new Error(`this vault's key is ${key.ref}, not ${maybeKey}`);
    const days = () => {
      const d = Number(str(ctx.flags, 'days'));
      if (!Number.isInteger(d)) throw new UsageError('--days takes a whole number');
      return d;
    };
    let status: KeyStatus;
    switch (sub) {
      case 'list':
      case 'show':
        status = await key.status();
        ctx.out.result(describe(status), sub === 'list' ? [status] : status);
        return 0;
      case 'rotate':
        status = await key.rotate();
        ctx.out.result(`Rotated. New data now uses version ${status.versions.find((v) => v.current)?.version}; older versions stay readable.`, status);
        return 0;
      case 'rewrap': {
        const to = str(ctx.flags, 'to');
        const toVersion = to === undefined ? undefined : Number(to);
        if (toVersion !== undefined && !Number.isInteger(toVersion)) throw new UsageError('--to takes a key version number');
        const report = await rewrapVault(vault, { toVersion, onProgress: (p) => ctx.out.progress('Re-wrapping', p.done, p.total) });
        ctx.out.endProgress();
        ctx.out.result(`Re-wrapped ${report.objects} objects under key version ${report.toVersion}; ${report.skipped} were already under it.`
          + ' Every object now opens with that version alone.', report);
        return 0;
      }
      case 'create':
        return await createKey(ctx, vault, type as AsymmetricType | 'aes-256');
      case 'set-rotation':
        status = await key.setRotationPeriod(days());
        ctx.out.result(describe(status), status);
        return 0;
      case 'schedule-deletion': {
        const n = str(ctx.flags, 'days') === undefined ? 30 : days();
        const usage = await scanKeyUsage(vault.manifest, key.ref);
        const inUse = usage.byVersion.some((u) => u.files > 0);
        const lines = usage.byVersion.map((u) => `  version ${u.version}: ${u.files} files, ${usage.versions[u.version]} file versions (e.g. ${u.examples.slice(0, 3).join(', ')})`);
        if (inUse && ctx.flags.force !== true) {
          ctx.out.result(`Refused: deleting ${key.ref} would make these unreadable:\n${lines.join('\n')}\nRe-run with --force if that is really intended.`, { refused: true, usage });
          return 3;
        }
        status = await key.scheduleDeletion(n, { force: ctx.flags.force === true, inUse });
        ctx.out.result(`${describe(status)}${lines.length ? `\nWould become unreadable:\n${lines.join('\n')}` : ''}`, { status, usage });
        return 0;
      }
      case 'cancel-deletion':
        status = await key.cancelDeletion();
        ctx.out.result(describe(status), status);
        return 0;
      case 'audit': {
        const log = vault.audit;
        if (ctx.flags.verify === true) {
          const v = await log.verify();
          ctx.out.result(v.ok ? 'Audit log intact.' : `AUDIT LOG TAMPERED: ${v.problem}`, v);
          return v.ok ? 0 : 3;
        }
        const entries = await log.list();
        ctx.out.result(entries.map((e) => `${e.seq}  ${e.time}  ${e.op.padEnd(17)} ${e.key}${e.version !== undefined ? ` v${e.version}` : ''}${e.detail ? `  ${e.detail}` : ''}`).join('\n') || 'The audit log is empty.', entries);
        return 0;
      }
      case 'move':
      case 'change-passphrase':
        return await moveKeyCommand(ctx, vault, sub);
      case 'export-recovery': {
        const rk = key.exportRecoveryKey?.();
        if (!rk) throw new Error(`${key.ref} is held outside Coffer (KMS or HSM); its recovery is the provider's own`);
        ctx.out.result(recoveryKitText(vault.vaultId, vault.settings.remote, rk), { vaultId: vault.vaultId, recoveryKey: rk });
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await vault.close();
  }
}

/**
 * A vault has one key, chosen at init; its versions are what `create` can add. So `create --type aes-256`
 * on an existing vault is a rotation. An rsa-4096 pair is made for a write-only device (docs/KEYS.md):
 * the private half is saved to a file only its owner can read, the public half is printed.
 */
async function createKey(ctx: CommandContext, vault: Vault, type: AsymmetricType | 'aes-256'): Promise<number> {
  const provider = str(ctx.flags, 'provider');
  if (provider !== undefined && provider !== vault.key.ref) {
    throw new KeyUsageError(`this vault's key lives in ${vault.key.ref}; a vault has one key provider, chosen with coffer init --key`);
  }
  if (type === 'aes-256') {
    const status = await vault.key.rotate();
    const v = status.versions.find((x) => x.current)?.version;
    ctx.out.result(`This vault already has an aes-256 key (${vault.key.ref}), so a new key is a new version of it: version ${v} now wraps new data; older versions stay readable.`, status);
    return 0;
  }
  const pair = await createAsymmetricKey(type);
  const out = str(ctx.flags, 'out') ?? join(vault.paths.dir, `rsa-4096-${new Date(vault.clock.now()).toISOString().replace(/[:.]/g, '-')}.key.pem`);
  await writeFile(out, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await vault.audit.append({ op: 'create', key: `rsa-4096:${out}`, version: 1, detail: 'key pair for a write-only device; not the vault key' });
  ctx.out.result([
    `Created an rsa-4096 key pair. The private key was saved to ${out} (readable by you only).`,
    'Public key (give this, and only this, to a write-only device):',
    '',
    pair.publicKeyPem.trimEnd(),
    '',
    `This vault keeps using ${vault.key.ref}; the pair is not wired into it (see docs/KEYS.md, "Write-only devices").`,
  ].join('\n'), { type, publicKeyPem: pair.publicKeyPem, privateKeyFile: out });
  return 0;
}
