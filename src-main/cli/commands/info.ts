import {
  fileVersions, locateInVault, openVault, queryHistory, vaultStatus,
} from '../../engine/api.ts';
import type { HistoryAction } from '../../engine/ports/journal.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes, notStoredLines, showPath } from '../format.ts';

export async function statusCommand(ctx: CommandContext): Promise<number> {
  const vault = await openVault(ctx.env, ctx.args[0]);
  try {
    const data = await vaultStatus(vault);
    ctx.out.result(
      [
        `Folder:    ${data.folder}`, `Remote:    ${data.remote}`, `Vault:     ${data.vaultId}`,
        `Key:       ${data.key} (${data.keyState}${data.keyVersion ? `, version ${data.keyVersion}` : ''})`,
        `Stored:    ${data.files} entries, ${formatBytes(data.bytes)}`,
        `Last sync: ${data.lastSync ?? 'never'}${data.behindRemote ? ' (the bucket has newer changes)' : ''}`,
      ].join('\n') + notStoredLines(data.notStored),
      data,
    );
    return 0;
  } finally {
    await vault.close();
  }
}

/** "  by Ada on studio-mac" for a change another device made (names where known, else ids). */
function madeBy(e: { member?: string; memberName?: string; device?: string; deviceName?: string }): string {
  const member = e.memberName ?? e.member;
  const device = e.deviceName ?? e.device;
  return `${member || device ? '  ' : ''}${member ? `by ${member}` : ''}${member && device ? ' ' : ''}${device ? `on ${device}` : ''}`;
}

export async function historyCommand(ctx: CommandContext): Promise<number> {
  const limit = Number(str(ctx.flags, 'limit') ?? 50);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit takes a positive whole number');
  const vault = await openVault(ctx.env, ctx.args[0]);
  try {
    const action = str(ctx.flags, 'action');
    const { entries, total } = await queryHistory(vault, { limit, actions: action ? [action as HistoryAction] : undefined, pathContains: str(ctx.flags, 'path') });
    const lines = entries.map((e) => `${e.time}  ${e.action.padEnd(7)} ${e.path === undefined ? '' : showPath(e.path)}${e.size !== undefined ? ` (${formatBytes(e.size)})` : ''}${e.reason ? `  ${e.reason}` : ''}${madeBy(e)}`);
    ctx.out.result(lines.length ? lines.join('\n') : 'No history yet.', { total, entries });
    return 0;
  } finally {
    await vault.close();
  }
}

export async function versionsCommand(ctx: CommandContext): Promise<number> {
  const target = ctx.args[0];
  if (!target) throw new UsageError('usage: coffer versions <path>');
  const located = await locateInVault(ctx.env, target);
  const vault = await openVault(ctx.env, located.folder);
  try {
    const { path: rel, versions } = await fileVersions(vault, { path: located.path });
    const lines = versions.map((v) => `${v.time}  ${v.entry ? `${formatBytes(v.entry.size).padStart(10)}  ${v.entry.hash?.slice(0, 12) ?? v.entry.type}  by ${v.entry.device}` : '   deleted'}`);
    ctx.out.result(
      versions.length ? `Versions of ${showPath(rel)} (restore one with: coffer restore --path "${showPath(rel)}" --at <time> --to <dir>)\n${lines.join('\n')}` : `${showPath(rel)} has no stored versions`,
      versions.map((v) => ({ time: v.time, rootId: v.rootId, deleted: !v.entry, size: v.entry?.size, hash: v.entry?.hash, device: v.entry?.device })),
    );
    return 0;
  } finally {
    await vault.close();
  }
}
