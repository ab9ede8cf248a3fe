/**
 * The piscina worker of cut-pool.ts: runs cutWindow() off the main thread and hands the window's bytes
 * back by transfer (the ArrayBuffer moves to the caller, it is not copied).
 * A task of `{ ping: true }` only proves the worker loaded (CutPool's start-up check).
 */
import { Piscina } from 'piscina';
import { cutWindow, type CutWindow, type WindowTask } from './cut-window.ts';

export type CutWorkerTask = WindowTask | { readonly ping: true };

/** A reply piscina transfers: the value, with the window's buffer in the transfer list. */
class Transferred {
  constructor(readonly window: CutWindow) {}
  get [Piscina.transferableSymbol](): ArrayBuffer[] {
    return [this.window.buffer];
  }
  get [Piscina.valueSymbol](): CutWindow {
    return this.window;
  }
}

export default async function run(task: CutWorkerTask): Promise<Transferred | 'pong'> {
  if ('ping' in task) return 'pong';
  return new Transferred(await cutWindow(task));
}
