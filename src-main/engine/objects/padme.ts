/** Padmé (Nikitin et al., PURBs, 2019): the length to pad to; at most ~12 % more, O(log log n) bits leak. */
export function padmeLength(n: number): number {
  if (n <= 1) return n;
  const e = Math.floor(Math.log2(n));
  const s = Math.floor(Math.log2(e)) + 1;
  const mask = 2 ** (e - s) - 1;
  return Math.ceil(n / (mask + 1)) * (mask + 1);
}
