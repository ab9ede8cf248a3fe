import { hostname } from 'node:os';
import { joinVault } from '../../engine/api.ts';
import { readSecretArg, str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';

/**
 * `coffer join <folder> --remote <url> (--key <ref> | --recovery-key <key|@file>)`: this machine becomes
 * another device of the vault there, and the folder gets the vault's tree (files already in it that
 * differ become conflict copies; nothing is overwritten).
 */
export async function joinCommand(ctx: CommandContext): Promise<number> {
  const folder = ctx.args[0];
  const remote = str(ctx.flags, 'remote');
  const usage = 'usage: coffer join <folder> --remote <url> (--key <ref> | --recovery-key <key|@file> --save-key <ref>) [--name <device name>]';
  if (!folder || !remote) throw new UsageError(usage);
  const keyRef = str(ctx.flags, 'key');
  const recovery = str(ctx.flags, 'recovery-key');
  if (!keyRef === !recovery) throw new UsageError(`give exactly one of --key and --recovery-key\n${usage}`);
  const saveKeyRef = str(ctx.flags, 'save-key');
  if (recovery && !saveKeyRef) throw new UsageError(`with --recovery-key, say where this device keeps the key: --save-key keychain:<name> or --save-key passphrase\n${usage}`);
  if (keyRef && saveKeyRef && saveKeyRef !== keyRef) throw new UsageError(`--save-key goes with --recovery-key\n${usage}`);
  const deviceName = str(ctx.flags, 'name') ?? hostname();
  const { vault, pulled, conflicts } = await joinVault(ctx.env, {
    folder, remote, endpoint: str(ctx.flags, 'endpoint'), profile: str(ctx.flags, 'profile'), allowHttp: ctx.flags['allow-http'] === true,
    keyRef, recoveryKey: recovery ? await readSecretArg(recovery) : undefined, saveKeyRef, deviceName,
  });
  try {
    ctx.out.result(
      [
        `Joined vault ${vault.vaultId} as device ${vault.settings.deviceId} (${deviceName}) for ${vault.settings.folder}`,
        `  remote: ${remote}`,
        `  key:    ${vault.settings.keyRef}`,
        `  pulled: ${pulled} entries from the vault`,
        ...(conflicts.length ? [`  ${conflicts.length} files in the folder differed from the vault and were kept beside its version:`] : []),
        ...conflicts.map((c) => `    ${c.copyPath}`),
        'Next: coffer sync (or coffer watch)',
      ].join('\n'),
      { vaultId: vault.vaultId, deviceId: vault.settings.deviceId, deviceName, folder: vault.settings.folder, remote, keyRef: vault.settings.keyRef, pulled, conflicts },
    );
  } finally {
    await vault.close();
  }
  return 0;
}
