import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection kept, for the processes that host the
 * engine (the CLI, the app's main process). V8's own factor reaches 4x when collection is cheap, which
 * suits a short throughput job; a backup running beside the user's work should favour memory. A cold pass
 * of 100,000 files peaked at 350-409 MB with V8's factor and 328 MB with 1.5x; the cold 652 MB mix at
 * 306-319 against 273-286 MB, about 5 % slower (bench/RESULTS.md, 2026-12-04). The heap's live part is
 * unchanged, so nothing fails that would have passed: collections only come sooner.
 *
 * Set at start, before the engine allocates: V8 reads this factor at each collection, so setting it at run
 * time takes effect (node:v8's caution about flags changed after start is for flags read only once).
 */
export const HEAP_GROWING_PERCENT = 50;

export function applyHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
