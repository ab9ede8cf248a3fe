import { openVault, startWatching } from '../../engine/api.ts';
import { untilInterrupted, type CommandContext } from '../context.ts';

/** Keeps syncing until interrupted (Ctrl-C or SIGTERM), then finishes the pass in flight and exits 0. */
export async function watchCommand(ctx: CommandContext): Promise<number> {
  const vault = await openVault(ctx.env, ctx.args[0]);
  const watching = await startWatching(vault, {
    onState: (state, detail) => ctx.out.info(`${new Date().toISOString()}  ${state}${detail ? `: ${detail}` : ''}`),
    onPass: (s) => ctx.out.info(`  uploaded ${s.uploaded}, renamed ${s.renamed}, deleted ${s.deleted}, skipped ${s.skipped}, errors ${s.errors}`),
  });
  const poll = vault.settings.pollSeconds;
  ctx.out.info(`Watching ${watching.folder} (Ctrl-C to stop)${poll > 0 ? `; checking the vault for other devices' changes every ${poll} s` : ''}`);
  await untilInterrupted();
  await watching.stop();
  await vault.close();
  return 0;
}
