/**
 * FastCDC content-defined chunking (Xia et al., "FastCDC: a Fast and Efficient Content-Defined Chunking
 * Approach for Data Deduplication", USENIX ATC 2016), with normalised chunking.
 *
 * The cut points are part of the vault format (docs/CDC.md): a vault's parameters (LEGACY_CDC_PARAMS or
 * CDC_PARAMS_V2, recorded with its chunking secret), the masks and the rule below must never change. A
 * different rule is a new format version with its own vectors.
 *
 * For each byte at index p of the current chunk (p counts from 0 at the previous cut):
 *   - p < min: skipped, not hashed;
 *   - otherwise h = ((h << 1) + gear[byte]) mod 2^32 (h starts at 0 for every chunk), then the chunk ends
 *     after this byte (length p + 1) when the mask bits of h are all zero, with the strict mask
 *     (log2(avg) + normalisation bits) while p < avg and the loose mask (log2(avg) - normalisation bits)
 *     from p = avg on;
 *   - a chunk that reaches max bytes ends there.
 * What is left at the end of the input is the tail chunk (any length from 1 to max).
 *
 * The masks are the TOP bits of h. In a gear hash bit i of h depends only on the last i + 1 bytes, so
 * the top bits are the ones that see the whole 32-byte window; the paper spreads its bits over a 64-bit
 * hash for the same reason. Top bits make the rule one line to specify ("h < 2^(32-k)") with no table
 * of magic constants to copy.
 */

export interface CdcParams {
  /** Smallest chunk (but the tail): the first `min` bytes of a chunk are not hashed. */
  readonly min: number;
  /** Target average: the strict mask applies below it, the loose mask above. A power of two. */
  readonly avg: number;
  /** Largest chunk: a chunk that reaches it is cut there. */
  readonly max: number;
  /** The paper's normalisation level NC: the strict mask has this many bits more than log2(avg), the loose one as many fewer. */
  readonly normalisation: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The parameters of every vault whose chunking secret was made before CDC_PARAMS_V2 (a bare 32-byte
 * keys/chunking, formats 3 and 4). Fixed forever: they decide those vaults' cut points, and so their dedup.
 */
export const LEGACY_CDC_PARAMS: CdcParams = Object.freeze({ min: 256 * KiB, avg: 1 * MiB, max: 8 * MiB, normalisation: 2 });

/**
 * The parameters of chunking secrets made from format 5 on, recorded beside the secret (docs/FORMAT.md).
 * Fixed forever too. Smaller chunks and a gentler normalisation bound what a 1 MiB edit re-uploads: over
 * 60 random gear tables the legacy ones exceeded 4 MiB for 8-15 % of vaults, these for none (docs/CDC.md).
 */
export const CDC_PARAMS_V2: CdcParams = Object.freeze({ min: 128 * KiB, avg: 512 * KiB, max: 4 * MiB, normalisation: 1 });

/** A mask of the top `bits` bits of a 32-bit value, as the int32 the hot loop compares against. */
function topBits(bits: number): number {
  return (0xffffffff << (32 - bits)) | 0;
}

function checkParams(p: CdcParams): number {
  const nc = p.normalisation;
  if (!Number.isInteger(nc) || nc < 0 || nc > 3) throw new RangeError(`normalisation must be 0, 1, 2 or 3, got ${nc}`);
  const bits = Math.log2(p.avg);
  if (!Number.isInteger(bits) || bits - nc < 1 || bits + nc > 31) {
    throw new RangeError(`avg must be a power of two between 2^${1 + nc} and 2^${31 - nc}, got ${p.avg}`);
  }
  if (!Number.isInteger(p.min) || !Number.isInteger(p.max) || p.min < 0 || p.min >= p.avg || p.avg >= p.max) {
    throw new RangeError(`chunk sizes must be integers with 0 <= min < avg < max, got ${p.min}/${p.avg}/${p.max}`);
  }
  return bits;
}

/**
 * Streaming FastCDC cutter: feed it the input in pieces of any size, get the same cut points as for the
 * whole input at once. It holds no data, only the position in the current chunk and the hash, so the
 * caller keeps the bytes of the chunk in progress.
 */
export class FastCdc {
  /** The gear table as int32: V8 loads uint32 values above 2^31 as doubles, int32 ones stay integers. */
  readonly #gear: Int32Array;
  readonly #min: number;
  readonly #avg: number;
  readonly #max: number;
  readonly #maskStrict: number;
  readonly #maskLoose: number;
  /** Bytes of the current chunk seen so far. */
  #pos = 0;
  #hash = 0;

  constructor(gear: Uint32Array, params: CdcParams) {
    if (gear.length !== 256) throw new RangeError(`gear table must have 256 entries, got ${gear.length}`);
    const bits = checkParams(params);
    this.#gear = Int32Array.from(gear, (g) => g | 0);
    this.#min = params.min;
    this.#avg = params.avg;
    this.#max = params.max;
    this.#maskStrict = topBits(bits + params.normalisation);
    this.#maskLoose = topBits(bits - params.normalisation);
  }

  /** Bytes pushed since the last cut: the chunk in progress, which `finish()` would return. */
  get pending(): number {
    return this.#pos;
  }

  /**
   * Feeds the next bytes. Returns the LENGTHS of the chunks that ended within them, in order (the first
   * one may have begun in an earlier push). Lengths returned so far plus `pending` = bytes pushed.
   */
  push(data: Uint8Array): number[] {
    const cuts: number[] = [];
    const gear = this.#gear;
    const min = this.#min;
    const avg = this.#avg;
    const max = this.#max;
    const n = data.length;
    let pos = this.#pos;
    let h = this.#hash;
    let i = 0;
    while (i < n) {
      if (pos < min) {
        const skip = Math.min(min - pos, n - i);
        pos += skip;
        i += skip;
        continue;
      }
      const strict = pos < avg;
      const mask = strict ? this.#maskStrict : this.#maskLoose;
      const end = Math.min(n, i + ((strict ? avg : max) - pos));
      let j = i;
      let found = false;
      // The hot loop: int32 arithmetic only (| 0 keeps h a small integer in V8), no allocation.
      while (j < end) {
        h = ((h << 1) + gear[data[j]!]!) | 0;
        j++;
        if ((h & mask) === 0) {
          found = true;
          break;
        }
      }
      pos += j - i;
      i = j;
      if (found || pos === max) {
        cuts.push(pos);
        pos = 0;
        h = 0;
      }
    }
    this.#pos = pos;
    this.#hash = h;
    return cuts;
  }

  /** Ends the input: the tail chunk's length, or null when the last push ended on a cut (or none came). */
  finish(): number | null {
    const tail = this.#pos;
    this.#pos = 0;
    this.#hash = 0;
    return tail > 0 ? tail : null;
  }
}
