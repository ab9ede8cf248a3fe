// Byte counts as the CLI and the provider view show them: binary units, one decimal.
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src-main/engine/use-cases/byte-units.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [1536, '1.5 KiB'],
    [114_156_968, '108.9 MiB'], [5 * 2 ** 30, '5.0 GiB'], [2 ** 50, '1.0 PiB'], [2 ** 60, '1024.0 PiB'],
  ])('%d bytes read %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
