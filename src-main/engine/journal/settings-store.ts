import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { S3_STORAGE_CLASSES } from '../store/s3-put-params.ts';

export const SETTINGS_VERSION = 6;
/** How often a watching device asks whether another device moved the head, by default (seconds). */
export const DEFAULT_POLL_SECONDS = 30;

/**
 * Size padding of data objects and packs (objects/padme.ts, docs/FORMAT.md "Padding"): 'padme' rounds each
 * one's plaintext up to its Padmé length, so the provider learns sizes only to within about 12 %.
 */
export const PADDING_MODES = ['off', 'padme'] as const;
export type PaddingMode = (typeof PADDING_MODES)[number];
/** Off unless chosen (docs/THREAT-MODEL.md "Object sizes" says why). */
export const DEFAULT_PADDING: PaddingMode = 'off';

const url = (what: string, pattern: RegExp) => z.string().regex(pattern, `${what} must match ${pattern.source}`);

/** The per-vault settings document (settings.json in the vault's state folder). */
export const vaultSettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  vaultId: z.string().min(1),
  folder: z.string().refine(isAbsolute, 'folder must be an absolute path'),
  remote: url('remote', /^(s3|file):\/\//),
  endpoint: url('endpoint', /^https?:\/\//).optional(),
  allowHttp: z.boolean().optional(),
  keyRef: z.string().min(1),
  deviceId: z.string().min(1),
  retentionDays: z.number().int().min(0).max(36_500),
  /** Share of tracked files that one pass may delete before sync stops and asks. */
  massDeleteThreshold: z.number().gt(0).max(1),
  rescanIntervalSec: z.number().int().min(10).max(7 * 86_400),
  /**
   * Seconds between two checks of the head while watching (one conditional GET each: other devices'
   * commits are pulled when it moved); 0 turns polling off, else 5 s to a day. Since version 4.
   */
  pollSeconds: z.number().int().min(0).max(86_400).refine((n) => n === 0 || n >= 5, 'pollSeconds is 0 (off) or at least 5'),
  /** Upload bandwidth cap; absent or 0 means unlimited. */
  bwlimitKiBps: z.number().int().nonnegative().optional(),
  sse: z.enum(['none', 'aes256', 'aws:kms', 'c']),
  sseKmsKeyId: z.string().min(1).optional(),
  /** AWS shared-config profile for the S3 credentials; absent: the SDK's default chain. */
  profile: z.string().min(1).max(128).optional(),
  /** The S3 region (the first-run wizard asks it); absent: AWS_REGION, then us-east-1. Since version 6. */
  region: z.string().min(1).max(64).optional(),
  rotationPeriodDays: z.number().int().min(1).max(3650),
  launchAtLogin: z.boolean(),
  /** S3 storage class of every data object (objects/*); absent: the bucket's default. Since version 2. */
  storageClass: z.enum(S3_STORAGE_CLASSES).optional(),
  /**
   * S3 Object Lock retention given to every object written (docs/BUCKET-PROTECTION.md); absent: none.
   * Since version 2.
   */
  objectLock: z.strictObject({ mode: z.enum(['GOVERNANCE', 'COMPLIANCE']), days: z.number().int().min(1).max(36_500) }).optional(),
  /**
   * Padding of the objects this device writes from now on; objects already stored keep their size, and
   * readers take a chunk's length from the manifest either way. Since version 5.
   */
  padding: z.enum(PADDING_MODES, { error: (i) => `padding must be ${PADDING_MODES.join(' or ')}, not ${JSON.stringify(i.input)}` }),
});

export type VaultSettings = z.infer<typeof vaultSettingsSchema>;

type RequiredKeys = 'vaultId' | 'folder' | 'remote' | 'keyRef' | 'deviceId';
export type SettingsInit = Pick<VaultSettings, RequiredKeys> & Partial<Omit<VaultSettings, RequiredKeys | 'version'>>;

/** The defaults, overridden by `init`; validated, so a bad value fails here and not at first use. */
export function defaultSettings(init: SettingsInit): VaultSettings {
  const s = {
    version: SETTINGS_VERSION,
    retentionDays: 30,
    massDeleteThreshold: 0.5,
    rescanIntervalSec: 3600,
    pollSeconds: DEFAULT_POLL_SECONDS,
    sse: 'none',
    rotationPeriodDays: 365,
    launchAtLogin: false,
    padding: DEFAULT_PADDING,
    ...stripUndefined(init),
  };
  const r = vaultSettingsSchema.safeParse(s);
  if (!r.success) throw new TypeError(`invalid vault settings: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** A settings file that cannot be used: missing, not JSON, an unknown version, or invalid values. */
export class SettingsError extends Error {
  constructor(readonly path: string, detail: string, options?: { cause?: unknown }) {
    super(`${path}: ${detail}`, options);
    this.name = 'SettingsError';
  }
}

/** Upgrades a document of version n to n+1. */
export type SettingsMigration = (doc: Record<string, unknown>) => Record<string, unknown>;
export const SETTINGS_MIGRATIONS: Readonly<Record<number, SettingsMigration>> = {
  // 2 adds storageClass and objectLock; a vault set up before has neither (the bucket's default class, no lock).
  1: (doc) => doc,
  // 3 drops three fields nothing read: the device's root sequence and the newest head seen live in the
  // local index and seen-head.ts, and the pack size is the uploader's (sync/content-uploader.ts).
  2: ({ deviceSeq: _seq, packTargetBytes: _pack, lastSeenHead: _head, ...doc }) => doc,
  // 4 adds pollSeconds: a vault set up before polls at the default.
  3: (doc) => ({ ...doc, pollSeconds: DEFAULT_POLL_SECONDS }),
  // 5 adds padding: a vault set up before keeps writing objects at their own size until it is turned on.
  4: (doc) => ({ ...doc, padding: 'off' }),
  // 6 adds region; a vault set up before has none (AWS_REGION, then us-east-1, as before).
  5: (doc) => doc,
};

/** Brings a parsed document to the current version; throws SettingsError naming the file otherwise. */
export function migrateSettings(
  path: string,
  raw: unknown,
  migrations: Readonly<Record<number, SettingsMigration>> = SETTINGS_MIGRATIONS,
  current: number = SETTINGS_VERSION,
): { doc: unknown; migrated: boolean } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SettingsError(path, 'not a settings document (expected a JSON object)');
  let doc = raw as Record<string, unknown>;
  const from = doc.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) throw new SettingsError(path, 'settings have no valid version field');
  if (from > current) throw new SettingsError(path, `settings version ${from} is newer than this Coffer understands (${current}); update Coffer`);
  for (let v = from; v < current; v++) {
    const step = migrations[v];
    if (!step) throw new SettingsError(path, `no migration from settings version ${v}`);
    doc = { ...step(doc), version: v + 1 };
  }
  return { doc, migrated: from !== current };
}

/** Reads, migrates and validates the settings; a migrated document is written back atomically. */
export async function loadSettings(path: string): Promise<VaultSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SettingsError(path, code === 'ENOENT' ? 'no settings file (is this vault set up?)' : `cannot read settings (${code})`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(path, 'settings file is corrupt (not valid JSON)', { cause: err });
  }
  const { doc, migrated } = migrateSettings(path, raw);
  const r = vaultSettingsSchema.safeParse(doc);
  if (!r.success) throw new SettingsError(path, `invalid settings: ${z.prettifyError(r.error)}`);
  if (migrated) await saveSettings(path, r.data);
  return r.data;
}

/** What is wrong with a settings document, as one readable text; null when it is valid. */
export function settingsProblems(s: unknown): string | null {
  const r = vaultSettingsSchema.safeParse(s);
  return r.success ? null : z.prettifyError(r.error);
}

/** Validates and writes atomically (temp, fsync, rename, fsync folder), readable by the owner only. */
export async function saveSettings(path: string, s: VaultSettings): Promise<void> {
  const r = vaultSettingsSchema.safeParse(s);
  if (!r.success) throw new SettingsError(path, `refusing to save invalid settings: ${z.prettifyError(r.error)}`);
  await writeFileAtomic(path, `${JSON.stringify(r.data, null, 2)}\n`, { mode: 0o600 });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
