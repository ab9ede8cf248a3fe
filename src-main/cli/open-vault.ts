import { openVault, openVaultFromBucket, type AnyVault } from '../engine/api.ts';
import { readSecretArg, str, type CommandContext } from './context.ts';

/**
 * The vault a read command works on: this machine's (by folder), or with --remote one reached from the
 * bucket alone (a new machine), opened read-only with --key or --recovery-key.
 */
export async function openVaultFor(ctx: CommandContext): Promise<AnyVault> {
  const remote = str(ctx.flags, 'remote');
  if (!remote) return openVault(ctx.env, ctx.args[0]);
  const recovery = str(ctx.flags, 'recovery-key');
  return openVaultFromBucket(ctx.env, {
    remote, endpoint: str(ctx.flags, 'endpoint'), allowHttp: ctx.flags['allow-http'] === true,
    keyRef: str(ctx.flags, 'key'), recoveryKey: recovery ? await readSecretArg(recovery) : undefined,
    profile: str(ctx.flags, 'profile'),
  });
}
