/**
 * Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs",
 * PETS 2019): the length a padded object's plaintext is rounded up to. A length of E+1 bits keeps only its
 * top floor(log2 E) + 1 bits and zeroes the rest (rounding up), so between 2^E and 2^(E+1) there are at
 * most 2E sizes, the provider learns O(log log n) bits of a length instead of O(log n), and the overhead
 * is below 12 % (below 6.25 % from 256 bytes, 3.2 % from 64 KiB).
 *
 * Written with division and multiplication by powers of two instead of the paper's bit masks: JavaScript's
 * bitwise operators are 32-bit, object lengths are not.
 */
export function padmeLength(n: number): number {
  // Up to 2^53 (exact as a double, and what the largest safe length pads to).
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 53) throw new RangeError(`padmeLength takes a length (a whole number from 0 to 2^53), not ${n}`);
  if (n <= 1) return n;
  const e = floorLog2(n);
  const s = floorLog2(e) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(n / step) * step;
}

/** floor(log2 n) for a whole n from 1 to 2^53, exact: Math.log2 can round up just below a power of two. */
function floorLog2(n: number): number {
  let e = Math.floor(Math.log2(n));
  if (2 ** e > n) e--;
  else if (2 ** (e + 1) <= n) e++;
  return e;
}
