import { writeFile } from 'node:fs/promises';
import { checkInitRequest, checkStorageClass, formatSse, initVault, parseObjectLock, parsePadding, parseSseFlag } from '../../engine/api.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { initPassphrase } from '../new-passphrase.ts';

export async function initCommand(ctx: CommandContext): Promise<number> {
  const folder = ctx.args[0];
  const remote = str(ctx.flags, 'remote');
  if (!folder || !remote) throw new UsageError('usage: coffer init <folder> --remote <s3://bucket[/prefix] | file:///abs/path> [--key keychain:<name> | --key passphrase] [--sse none|aes256|aws:kms[:<key-id>]|c]');
  const keyRef = str(ctx.flags, 'key') ?? 'keychain:coffer';
  const sse = parseSseFlag(str(ctx.flags, 'sse'));
  const classText = str(ctx.flags, 'storage-class');
  const lockText = str(ctx.flags, 'object-lock');
  const paddingText = str(ctx.flags, 'padding');
  let storageClass, objectLock, padding;
  try {
    storageClass = classText === undefined ? undefined : checkStorageClass(classText);
    objectLock = lockText === undefined ? undefined : parseObjectLock(lockText);
    padding = paddingText === undefined ? undefined : parsePadding(paddingText);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const req = {
    folder, remote, keyRef, endpoint: str(ctx.flags, 'endpoint'), allowHttp: ctx.flags['allow-http'] === true, sse,
    profile: str(ctx.flags, 'profile'), storageClass, objectLock, padding,
  };
  // A request that cannot work is refused before the user types a passphrase; the passphrase is chosen
  // (and checked) before anything is created: a weak or mistyped one leaves nothing behind.
  await checkInitRequest(ctx.env, req);
  const env = keyRef === 'passphrase' ? { ...ctx.env, passphrase: await initPassphrase(folder) } : ctx.env;
  const { vault, recoveryKey } = await initVault(env, req);
  const kitFile = str(ctx.flags, 'recovery-kit');
  if (kitFile && recoveryKey) await writeFile(kitFile, recoveryKitText(vault.vaultId, remote, recoveryKey), { mode: 0o600, flag: 'wx' });
  ctx.out.result(
    [
      `Created vault ${vault.vaultId} for ${vault.settings.folder}`,
      `  remote: ${remote}`,
      `  key:    ${keyRef}`,
      ...(storageClass ? [`  storage class: ${storageClass}`] : []),
      ...(vault.settings.padding !== 'off' ? [`  padding: ${vault.settings.padding}`] : []),
      ...(objectLock ? [`  object lock: ${objectLock.mode.toLowerCase()}, ${objectLock.days} days from each write`] : []),
      ...(sse.sse !== 'none' ? [`  server-side encryption: ${formatSse(sse)}${sse.sse === 'c' ? ' (customer key sealed with the vault key in keys/sse-c)' : ''}`] : []),
      '',
      ...(recoveryKey ? [
        'RECOVERY KEY (write it down and keep it somewhere safe; with it alone you can restore everything):',
        '',
        `  ${recoveryKey}`,
        '',
        kitFile ? `The recovery kit was also saved to ${kitFile}.` : 'Save it to a file with: coffer keys export-recovery > kit.txt',
      ] : []),
      'Next: coffer sync',
    ].join('\n'),
    { vaultId: vault.vaultId, folder: vault.settings.folder, remote, keyRef, sse: formatSse(sse), storageClass, objectLock, padding: vault.settings.padding, recoveryKey },
  );
  await vault.close();
  return 0;
}

export function recoveryKitText(vaultId: string, remote: string, recoveryKey: string): string {
  return [
    'Coffer recovery kit',
    `vault:        ${vaultId}`,
    `remote:       ${remote}`,
    `recovery key: ${recoveryKey}`,
    '',
    'To restore on any machine:',
    `  coffer restore --remote ${remote} --recovery-key <this key or @this-file> --to <folder>`,
    '',
  ].join('\n');
}
