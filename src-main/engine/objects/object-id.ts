import type { RandomSource } from '../ports/clock.ts';

/** 128 random bits, hex: object ids carry no information about what they hold. */
export function newObjectId(random: RandomSource): string {
  return Buffer.from(random(16)).toString('hex');
}
