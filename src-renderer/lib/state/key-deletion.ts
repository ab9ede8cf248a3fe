// What scheduling a key's deletion means, worked out before the user confirms it.
import type { KeyStatus } from '../api-types.ts';

export const MIN_DELETION_DAYS = 7;
export const MAX_DELETION_DAYS = 30;

/**
 * True when no other key in the list can open the vault: deleting this one leaves the whole backup
 * unreadable (the recovery and passphrase slots are destroyed with it, docs/KEYS.md).
 */
export function isOnlyKey(keys: readonly KeyStatus[], ref: string): boolean {
  return !keys.some((k) => k.ref !== ref && k.state === 'enabled');
}

/** Why `days` cannot be the waiting period, in words; null when it can. */
export function deletionDaysProblem(days: unknown): string | null {
  if (typeof days !== 'number' || Number.isNaN(days)) return `Enter a number of days between ${MIN_DELETION_DAYS} and ${MAX_DELETION_DAYS}.`;
  if (!Number.isInteger(days)) return 'Enter whole days.';
  if (days < MIN_DELETION_DAYS || days > MAX_DELETION_DAYS) return `Between ${MIN_DELETION_DAYS} and ${MAX_DELETION_DAYS} days.`;
  return null;
}

/** The day the key would be destroyed, `days` from `now`. */
export function deletionDate(now: number, days: number): string {
  return new Date(now + days * 86_400_000).toISOString();
}

/** The vault's name as the UI shows it and asks to be typed: the protected folder's base name. */
export function vaultNameOf(folder: string): string {
  const parts = folder.split(/[/\\]+/).filter(Boolean);
  return parts[parts.length - 1] ?? folder;
}
