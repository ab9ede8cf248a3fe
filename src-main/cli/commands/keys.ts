import { Vault } from '../../engine/vault/vault.ts';
import { scanKeyUsage } from '../../engine/vault/key-usage.ts';
import { FileAuditLog } from '../../engine/keys/index.ts';
import type { KeyStatus } from '../../engine/ports/key-provider.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { recoveryKitText } from './init.ts';

const USAGE = 'usage: coffer keys list | show [<key>] | rotate [<key>] | schedule-deletion [<key>] --days N [--force] | cancel-deletion [<key>] | set-rotation --days N | audit [--verify] | export-recovery';

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
        const log = new FileAuditLog(vault.paths.dir, vault.clock);
        if (ctx.flags.verify === true) {
          const v = await log.verify();
          ctx.out.result(v.ok ? 'Audit log intact.' : `AUDIT LOG TAMPERED: ${v.problem}`, v);
          return v.ok ? 0 : 3;
        }
        const entries = await log.list();
        ctx.out.result(entries.map((e) => `${e.seq}  ${e.time}  ${e.op.padEnd(17)} ${e.key}${e.version !== undefined ? ` v${e.version}` : ''}${e.detail ? `  ${e.detail}` : ''}`).join('\n') || 'The audit log is empty.', entries);
        return 0;
      }
      case 'export-recovery': {
        const rk = key.exportRecoveryKey?.();
        if (!rk) throw new Error(`${key.ref} is held outside Coffer (KMS or HSM); its recovery is the provider's own`);
        ctx.out.result(recoveryKitText(vault.vaultId, vault.settings!.remote, rk), { vaultId: vault.vaultId, recoveryKey: rk });
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await vault.close();
  }
}
