/**
 * The piscina worker of cut-pool.ts: runs cutWindow() off the main thread and hands the window's bytes
 * back by transfer (the ArrayBuffer moves to the caller, it is not copied).
 * A task of `{ ping: true }` only proves the worker loaded (CutPool's start-up check).
 */
import { Piscina } from 'piscina';
import { cutWindow, type CutWindow, type WindowTask } from './cut-window.ts';

export type CutWorkerTask = WindowTask | { readonly ping: true };

/** The reply, shaped as piscina's Transferable: the value, with the window's buffer in the transfer list. */
function transferred(window: CutWindow): Parameters<typeof Piscina.move>[0] {
  const reply = { [Piscina.transferableSymbol]: [window.buffer], [Piscina.valueSymbol]: window };
  return reply as unknown as Parameters<typeof Piscina.move>[0];
}

export default async function run(task: CutWorkerTask): Promise<unknown> {
  if ('ping' in task) return 'pong';
  // move() marks the reply as one to unwrap and transfer; without it piscina would clone the wrapper.
  return Piscina.move(transferred(await cutWindow(task)));
}
