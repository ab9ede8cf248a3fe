// Why a setting's value cannot be saved, in words, checked as the user types. The bounds are the
// engine's (contract.ts SettingsPatch; keys/key-set.ts ROTATION_DAYS), so a value shown as fine saves.
import type { Settings } from '../api-types.ts';

export type CheckedField = 'bandwidthLimitKiBps' | 'retentionDays' | 'rotationPeriodDays';

const BOUNDS: Record<CheckedField, { min: number; max: number; words: string }> = {
  bandwidthLimitKiBps: { min: 0, max: 10_000_000, words: 'KiB/s' },
  retentionDays: { min: 0, max: 36_500, words: 'days' },
  rotationPeriodDays: { min: 90, max: 2560, words: 'days' },
};

export function wholeNumberProblem(field: CheckedField, value: unknown): string | null {
  const b = BOUNDS[field];
  const range = `from ${b.min.toLocaleString('en')} to ${b.max.toLocaleString('en')} ${b.words}`;
  if (typeof value !== 'number' || Number.isNaN(value)) return `Enter a whole number ${range}.`;
  if (!Number.isInteger(value)) return `Use a whole number ${range}.`;
  if (value < b.min || value > b.max) return `Must be ${range}.`;
  return null;
}

/** Every field with a problem, keyed by field. */
export function settingsProblems(draft: Settings): Partial<Record<CheckedField, string>> {
  const out: Partial<Record<CheckedField, string>> = {};
  for (const field of Object.keys(BOUNDS) as CheckedField[]) {
    const p = wholeNumberProblem(field, draft[field]);
    if (p) out[field] = p;
  }
  return out;
}
