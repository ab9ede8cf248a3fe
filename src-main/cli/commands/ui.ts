import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { packageRootUrl } from '../../install-paths.ts';
import { openMultiVaultHost } from '../../engine/api.ts';
import { startUiServer } from '../../ui-server/server.ts';
import { str, untilInterrupted, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { untilParentGone } from '../parent-watch.ts';

/** The renderer built by `npm install` (prepare) lives in dist-renderer/ at the package root. */
function rendererDir(): string {
  const dir = fileURLToPath(new URL('dist-renderer', packageRootUrl()));
  if (existsSync(dir)) return dir;
  throw new Error('the web UI is not built; run "npm install" (or "npm run build") in the Coffer folder');
}

/** Serves the app's UI and the same IPC contract on 127.0.0.1 for browsers (headless machines, servers). */
export async function uiCommand(ctx: CommandContext): Promise<number> {
  const portText = str(ctx.flags, 'port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535');
  const host = await openMultiVaultHost({ stateDir: ctx.env.home, passphrase: ctx.env.passphrase });
  const server = await startUiServer({ host, port, staticDir: rendererDir() });
  ctx.out.result(`Coffer UI: open ${server.url}\n(the link carries this run's token, new each time coffer ui starts; keep it private. Ctrl-C to stop)`, { url: server.url, port: server.port });
  // The destination away (an unplugged disk, no network) does not stop the UI: it shows the error state
  // and the host keeps trying; say so here too, for whoever reads the terminal.
  const waiting = host.waitingStatus();
  if (waiting) ctx.out.info(`${waiting.error ?? 'The destination cannot be reached'}; Coffer keeps trying and the page shows what to do.`);
  // Ctrl-C, SIGTERM, or the parent (npx, a script) going away, however it was stopped.
  const parent = untilParentGone();
  await Promise.race([untilInterrupted(), parent.gone]);
  parent.stop();
  await server.close();
  await host.close();
  return 0;
}
