import { lstat, type Stats } from 'node:fs';

/**
 * lstat for many paths with at most `concurrency` calls in flight. The callback API is used on purpose:
 * measured here on 100k files, one promise per lstat cost about twice the time of callbacks.
 * Each slot holds the Stats or the error for the path at the same index.
 */
export function lstatBatch(paths: readonly (string | Buffer)[], concurrency: number): Promise<(Stats | NodeJS.ErrnoException)[]> {
  const out = new Array<Stats | NodeJS.ErrnoException>(paths.length);
  if (paths.length === 0) return Promise.resolve(out);
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let done = 0;
    const pump = (): void => {
      while (inFlight < concurrency && next < paths.length) {
        const i = next++;
        inFlight++;
        lstat(paths[i]!, (err, st) => {
          out[i] = err ?? st;
          inFlight--;
          done++;
          if (done === paths.length) resolve(out);
          else pump();
        });
      }
    };
    pump();
  });
}
