import { randomBytes } from 'node:crypto';

/** Time and randomness are injected so backoff, debounce and known-answer tests are deterministic. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type RandomSource = (n: number) => Uint8Array;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      }, { once: true });
    }),
};

export const systemRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));
