/** FastCDC bounds (docs/CDC.md): fixed forever, since the cut points are part of the format. */
export const CDC_PARAMS = { min: 256 * 1024, avg: 1024 * 1024, max: 8 * 1024 * 1024 } as const;

// Normalised chunking, level 2: 22 bits below the average (cuts rarer), 18 above (cuts likelier).
const MASK_S = 0xfffffc00 >>> 0;
const MASK_L = 0xffffc000 >>> 0;

/** Streaming FastCDC cutter (provisional in-process version). */
export class FastCdc {
  private h = 0;
  private len = 0;
  constructor(private readonly gear: Uint32Array, private readonly params: { min: number; avg: number; max: number } = CDC_PARAMS) {}

  /** Cut lengths completed by this data, in order. */
  push(data: Buffer): number[] {
    const cuts: number[] = [];
    const { min, avg, max } = this.params;
    const gear = this.gear;
    let h = this.h;
    let len = this.len;
    for (let i = 0; i < data.length; i++) {
      len++;
      if (len <= min) continue;
      h = ((h << 1) + gear[data[i]!]!) >>> 0;
      if (len >= max || (h & (len <= avg ? MASK_S : MASK_L)) === 0) {
        cuts.push(len);
        len = 0;
        h = 0;
      }
    }
    this.h = h;
    this.len = len;
    return cuts;
  }

  finish(): number | null {
    const tail = this.len;
    this.len = 0;
    this.h = 0;
    return tail > 0 ? tail : null;
  }
}
