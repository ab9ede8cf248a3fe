import { Vault } from '../../engine/vault/vault.ts';
import { VaultRunner } from '../../engine/vault/vault-runner.ts';
import { untilInterrupted, type CommandContext } from '../context.ts';

/** Keeps syncing until interrupted (Ctrl-C or SIGTERM), then finishes the pass in flight and exits 0. */
export async function watchCommand(ctx: CommandContext): Promise<number> {
  const vault = await Vault.open(ctx.env, ctx.args[0]);
  const runner = new VaultRunner(vault, {
    onState: (state, detail) => ctx.out.info(`${new Date().toISOString()}  ${state}${detail ? `: ${detail}` : ''}`),
    onPass: (s) => ctx.out.info(`  uploaded ${s.uploaded}, renamed ${s.renamed}, deleted ${s.deleted}, skipped ${s.skipped}, errors ${s.errors}`),
  });
  await runner.start();
  ctx.out.info(`Watching ${vault.settings.folder} (Ctrl-C to stop)`);
  await untilInterrupted();
  await runner.stop();
  await vault.close();
  return 0;
}
