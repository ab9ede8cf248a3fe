import { resolve } from 'node:path';
import { Vault } from '../../engine/vault/vault.ts';
import { VaultRegistry } from '../../engine/vault/registry.ts';
import { loadIndex } from '../../engine/sync/local-index.ts';
import type { HistoryAction } from '../../engine/ports/journal.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { pathArgForms } from '../../engine/fsx/raw-name.ts';
import { formatBytes, notStoredLines, showPath } from '../output.ts';
import { relativeInside } from '../vault-path.ts';

export async function statusCommand(ctx: CommandContext): Promise<number> {
  const vault = await Vault.open(ctx.env, ctx.args[0]);
  try {
    const index = await loadIndex(vault.paths.index);
    const head = await vault.manifest.readHead();
    const root = head ? await vault.manifest.readRoot(head.head.rootId) : null;
    const key = await vault.key.status();
    const s = vault.settings!;
    const data = {
      vaultId: vault.vaultId, folder: s.folder, remote: s.remote, key: key.ref, keyState: key.state,
      keyVersion: key.versions.find((v) => v.current)?.version, lastSync: index.lastSync ?? null,
      files: root?.files ?? 0, bytes: root?.bytes ?? 0, generation: head?.head.generation ?? 0,
      behindRemote: !!head && head.head.rootId !== index.rootId,
      notStored: index.notStored ?? [],
    };
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

export async function historyCommand(ctx: CommandContext): Promise<number> {
  const limit = Number(str(ctx.flags, 'limit') ?? 50);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit takes a positive whole number');
  const vault = await Vault.open(ctx.env, ctx.args[0]);
  try {
    const action = str(ctx.flags, 'action');
    const { entries, total } = await vault.queryHistory({ limit, actions: action ? [action as HistoryAction] : undefined, pathContains: str(ctx.flags, 'path') });
    const lines = entries.map((e) => `${e.time}  ${e.action.padEnd(7)} ${e.path === undefined ? '' : showPath(e.path)}${e.size !== undefined ? ` (${formatBytes(e.size)})` : ''}${e.reason ? `  ${e.reason}` : ''}`);
    ctx.out.result(lines.length ? lines.join('\n') : 'No history yet.', { total, entries });
    return 0;
  } finally {
    await vault.close();
  }
}

export async function versionsCommand(ctx: CommandContext): Promise<number> {
  const target = ctx.args[0];
  if (!target) throw new UsageError('usage: coffer versions <path>');
  const abs = resolve(target);
  const vaults = await new VaultRegistry(ctx.env.home).list();
  const owner = vaults.find((v) => !!relativeInside(v.folder, abs));
  if (!owner) throw new Error(`${abs} is not inside a Coffer folder`);
  const typed = relativeInside(owner.folder, abs)!;
  const vault = await Vault.open(ctx.env, owner.folder);
  try {
    // A name that is not UTF-8 cannot come through argv exactly: find the stored name it stands for.
    const rel = /\uFFFD|\\x[0-9A-F]{2}/.test(typed)
      ? [...(await vault.tree()).tree.keys()].find((p) => pathArgForms(p).includes(typed)) ?? typed
      : typed;
    const versions = await vault.versions(rel);
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
