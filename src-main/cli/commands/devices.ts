import { openVault, removeDevice, teamView } from '../../engine/api.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';

/**
 * `coffer devices list | remove <device>`. The devices are those that committed a retained root, plus the ones
 * the membership revoked; device records with names (devices/<id>) take over once they are in the bucket.
 */
export async function devicesCommand(ctx: CommandContext): Promise<number> {
  const [sub, device] = ctx.args;
  if (sub !== 'list' && sub !== 'remove') throw new UsageError('usage: coffer devices list | remove <device>');
  if (sub === 'remove' && !device) throw new UsageError('usage: coffer devices remove <device>');
  const vault = await openVault(ctx.env, str(ctx.flags, 'folder'));
  try {
    if (sub === 'list') {
      const { devices } = await teamView(vault);
      const lines = devices.map((d) => `  ${d.name.padEnd(18)} ${d.memberName.padEnd(14)} ${d.lastSeen ? `last commit ${d.lastSeen}` : 'no commit yet'}${d.removed ? '  REMOVED' : ''}${d.you ? '  (this device)' : ''}`);
      ctx.out.result(['Devices:', ...lines].join('\n'), devices);
      return 0;
    }
    const r = await removeDevice(vault, device!);
    ctx.out.result(`Removed device ${device}. Its commits from now on are refused, and new data uses key generation ${r.generation}. `
      + 'If the device holds a member\'s identity, re-invite that member with a new identity too; "coffer team reencrypt" re-encrypts older data.', r);
    return 0;
  } finally {
    await vault.close();
  }
}
