import {
  cancelKeyDeletion, checkKeyRef, checkKeyType, createKey, exportRecovery, KEY_TYPES, KeyInUseError, keyStatus, openVault, readAuditLog,
  rewrapKeys, rotateKey, scheduleKeyDeletion, setKeyRotation, verifyAuditLog, type KeyType, type KeyUsageReport, type OpenVault,
} from '../../engine/api.ts';
import type { KeyStatus } from '../../engine/ports/key-provider.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { recoveryKitText } from './init.ts';
import { moveKeyCommand } from './key-custody.ts';

const USAGE = 'usage: coffer keys list | show [<key>] | rotate [<key>] | rewrap [--to <version>] | create [--type aes-256|rsa-4096|x25519] [--out <file>] | schedule-deletion [<key>] --days N [--force] | cancel-deletion [<key>] | set-rotation --days N | audit [--verify] | export-recovery | move --to keychain:<name>|passphrase | change-passphrase';

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
    await checkKeyType(type);
  }
  const vault = await openVault(ctx.env, str(ctx.flags, 'folder'));
  try {
    if (maybeKey && sub !== 'audit') checkKeyRef(vault, maybeKey);
    const days = () => {
      const d = Number(str(ctx.flags, 'days'));
      if (!Number.isInteger(d)) throw new UsageError('--days takes a whole number');
      return d;
    };
    let status: KeyStatus;
    switch (sub) {
      case 'list':
      case 'show':
        status = await keyStatus(vault);
        ctx.out.result(describe(status), sub === 'list' ? [status] : status);
        return 0;
      case 'rotate':
        status = await rotateKey(vault);
        ctx.out.result(`Rotated. New data now uses version ${status.versions.find((v) => v.current)?.version}; older versions stay readable.`, status);
        return 0;
      case 'rewrap': {
        const to = str(ctx.flags, 'to');
        const toVersion = to === undefined ? undefined : Number(to);
        if (toVersion !== undefined && !Number.isInteger(toVersion)) throw new UsageError('--to takes a key version number');
        const report = await rewrapKeys(vault, { toVersion, onProgress: (p) => ctx.out.progress('Re-wrapping', p.done, p.total) });
        ctx.out.endProgress();
        ctx.out.result(`Re-wrapped ${report.objects} objects under key version ${report.toVersion}; ${report.skipped} were already under it.`
          + ' Every object now opens with that version alone.', report);
        return 0;
      }
      case 'create':
        return await createKeyCommand(ctx, vault, type as KeyType);
      case 'set-rotation':
        status = await setKeyRotation(vault, { days: days() });
        ctx.out.result(describe(status), status);
        return 0;
      case 'schedule-deletion': {
        const n = str(ctx.flags, 'days') === undefined ? 30 : days();
        const scheduled = await scheduleKeyDeletion(vault, { days: n, force: ctx.flags.force === true }).catch((err: unknown) => {
          if (!(err instanceof KeyInUseError)) throw err;
          ctx.out.result(`Refused: deleting ${err.ref} would make these unreadable:\n${usageLines(err.usage).join('\n')}\nRe-run with --force if that is really intended.`, { refused: true, usage: err.usage });
          return null;
        });
        if (!scheduled) return 3;
        const lines = usageLines(scheduled.usage);
        ctx.out.result(`${describe(scheduled.status)}${lines.length ? `\nWould become unreadable:\n${lines.join('\n')}` : ''}`, scheduled);
        return 0;
      }
      case 'cancel-deletion':
        status = await cancelKeyDeletion(vault);
        ctx.out.result(describe(status), status);
        return 0;
      case 'audit': {
        if (ctx.flags.verify === true) {
          const v = await verifyAuditLog(vault);
          ctx.out.result(v.ok ? 'Audit log intact.' : `AUDIT LOG TAMPERED: ${v.problem}`, v);
          return v.ok ? 0 : 3;
        }
        const entries = await readAuditLog(vault);
        ctx.out.result(entries.map((e) => `${e.seq}  ${e.time}  ${e.op.padEnd(17)} ${e.key}${e.version !== undefined ? ` v${e.version}` : ''}${e.detail ? `  ${e.detail}` : ''}`).join('\n') || 'The audit log is empty.', entries);
        return 0;
      }
      case 'move':
      case 'change-passphrase':
        return await moveKeyCommand(ctx, vault, sub);
      case 'export-recovery': {
        const kit = exportRecovery(vault);
        ctx.out.result(recoveryKitText(kit.vaultId, kit.remote, kit.recoveryKey), { vaultId: kit.vaultId, recoveryKey: kit.recoveryKey });
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await vault.close();
  }
}

function usageLines(usage: KeyUsageReport): string[] {
  return usage.byVersion.map((u) => `  version ${u.version}: ${u.files} files, ${usage.versions[u.version]} file versions (e.g. ${u.examples.slice(0, 3).join(', ')})`);
}

/** `keys create`: a new version of the vault's aes-256 key, or a key pair for a write-only device (key-ops.ts). */
async function createKeyCommand(ctx: CommandContext, vault: OpenVault, type: KeyType): Promise<number> {
  const created = await createKey(vault, { type, provider: str(ctx.flags, 'provider'), out: str(ctx.flags, 'out') });
  if (created.kind === 'version') {
    const v = created.status.versions.find((x) => x.current)?.version;
    ctx.out.result(`This vault already has an aes-256 key (${created.status.ref}), so a new key is a new version of it: version ${v} now wraps new data; older versions stay readable.`, created.status);
    return 0;
  }
  ctx.out.result([
    `Created an rsa-4096 key pair. The private key was saved to ${created.privateKeyFile} (readable by you only).`,
    'Public key (give this, and only this, to a write-only device):',
    '',
    created.publicKeyPem.trimEnd(),
    '',
    `This vault keeps using ${created.vaultKey}; the pair is not wired into it (see docs/KEYS.md, "Write-only devices").`,
  ].join('\n'), { type, publicKeyPem: created.publicKeyPem, privateKeyFile: created.privateKeyFile });
  return 0;
}
