import { openVault, parsePadding, setPadding, type OpenVault } from '../../engine/api.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';

/** `coffer settings [folder] [--padding off|padme]`: shows this device's settings of the vault, or changes one. */
export async function settingsCommand(ctx: CommandContext): Promise<number> {
  const paddingText = str(ctx.flags, 'padding');
  let padding;
  try {
    padding = paddingText === undefined ? undefined : parsePadding(paddingText);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const vault = await openVault(ctx.env, ctx.args[0]);
  try {
    const before = vault.settings.padding;
    if (padding !== undefined) await setPadding(vault, padding);
    const changed = padding !== undefined && padding !== before;
    const note = padding === undefined ? [] : [
      '',
      changed ? `Padding is now ${padding} for the objects this device writes from its next sync on; objects already stored keep their size.`
        : `Padding was already ${padding}; nothing changed.`,
      // The setting is this device's (settings.json in its state folder): each device writes its own objects.
      'Other devices of this vault keep their own setting: run this there too.',
    ];
    ctx.out.result([...describe(vault), ...note].join('\n'), { ...shown(vault), changed });
    return 0;
  } finally {
    await vault.close();
  }
}

function shown(vault: OpenVault) {
  const s = vault.settings;
  return {
    folder: s.folder, remote: s.remote, padding: s.padding, retentionDays: s.retentionDays, pollSeconds: s.pollSeconds,
    bandwidthLimitKiBps: s.bwlimitKiBps ?? 0, sse: s.sse, storageClass: s.storageClass, objectLock: s.objectLock,
  };
}

function describe(vault: OpenVault): string[] {
  const s = shown(vault);
  return [
    `Folder:     ${s.folder}`,
    `Remote:     ${s.remote}`,
    `Padding:    ${s.padding === 'padme' ? 'padme (objects padded to one of a few sizes, at most 12 % more)' : 'off (objects stored at their own size)'}`,
    `Retention:  ${s.retentionDays === 0 ? 'forever' : `${s.retentionDays} days`}`,
    `Bandwidth:  ${s.bandwidthLimitKiBps ? `${s.bandwidthLimitKiBps} KiB/s` : 'unlimited'}`,
    `Head check: ${s.pollSeconds === 0 ? 'off' : `every ${s.pollSeconds} s`}`,
  ];
}
