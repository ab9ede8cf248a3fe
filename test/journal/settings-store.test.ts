import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SettingsError, defaultSettings, loadSettings, migrateSettings, saveSettings, vaultSettingsSchema,
} from '../../src-main/engine/journal/settings-store.ts';
import type { SettingsMigration } from '../../src-main/engine/journal/settings-store.ts';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = { vaultId: 'v1', folder: '/home/u/Vault', remote: 's3://bucket/prefix', keyRef: 'keychain:coffer', deviceId: 'dev-a' };

describe('vault settings', () => {
  it('fills the documented defaults', () => {
    const s = defaultSettings({ ...base, endpoint: undefined });
    expect(s).toMatchObject({ version: 6, retentionDays: 30, massDeleteThreshold: 0.5, sse: 'none', launchAtLogin: false, pollSeconds: 30, padding: 'off' });
    expect('endpoint' in s).toBe(false);
    expect(vaultSettingsSchema.parse(s)).toEqual(s);
  });

  it('round-trips through an atomic, owner-only file', async () => {
    const s = defaultSettings({ ...base, endpoint: 'http://127.0.0.1:7480', allowHttp: true, bwlimitKiBps: 512 });
    await saveSettings(file, s);
    expect(await loadSettings(file)).toEqual(s);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('rejects bad values, naming the field', () => {
    expect(() => defaultSettings({ ...base, folder: 'relative/path' })).toThrow(/folder must be an absolute path/);
    expect(() => defaultSettings({ ...base, remote: 'ftp://x' })).toThrow(/remote/);
    expect(() => defaultSettings({ ...base, massDeleteThreshold: 0 })).toThrow(/massDeleteThreshold/);
    expect(() => defaultSettings({ ...base, sse: 'rot13' as 'none' })).toThrow(/sse/);
    expect(() => defaultSettings({ ...base, pollSeconds: 2 })).toThrow(/pollSeconds is 0 \(off\) or at least 5/);
    expect(() => defaultSettings({ ...base, pollSeconds: 1.5 })).toThrow(/pollSeconds/);
    expect(() => defaultSettings({ ...base, pollSeconds: 86_401 })).toThrow(/pollSeconds/);
    expect(defaultSettings({ ...base, pollSeconds: 0 }).pollSeconds).toBe(0);
  });

  it('refuses to save an invalid document, leaving the old file', async () => {
    const good = defaultSettings(base);
    await saveSettings(file, good);
    await expect(saveSettings(file, { ...good, retentionDays: -1 })).rejects.toThrow(/retentionDays/);
    expect(await loadSettings(file)).toEqual(good);
  });

  it.each([
    ['missing', null, /no settings file/],
    ['not JSON', '{"version": 1,', /corrupt \(not valid JSON\)/],
    ['not an object', '[1,2]', /expected a JSON object/],
    ['without version', '{"vaultId":"v"}', /no valid version/],
    ['from the future', '{"version": 99}', /version 99 is newer than this Coffer understands/],
    ['with a bad field', JSON.stringify({ ...defaultSettings(base), retentionDays: 'x' }), /retentionDays/],
  ])('a %s file gives a SettingsError naming the file', async (_name, content, message) => {
    if (content !== null) await writeFile(file, content);
    const err = await loadSettings(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect(String(err)).toContain(file);
    expect(String(err)).toMatch(message);
  });
});

describe('settings migration', () => {
  // A hypothetical history: v1 named the cap "bandwidth", v2 renamed it; v3 added "colour".
  const migrations: Record<number, SettingsMigration> = {
    1: ({ bandwidth, ...rest }) => ({ ...rest, bwlimitKiBps: bandwidth }),
    2: (doc) => ({ ...doc, colour: 'blue' }),
  };

  it('runs each step in order and stamps the new version', () => {
    const { doc, migrated } = migrateSettings(file, { version: 1, bandwidth: 64, vaultId: 'v' }, migrations, 3);
    expect(migrated).toBe(true);
    expect(doc).toEqual({ version: 3, bwlimitKiBps: 64, vaultId: 'v', colour: 'blue' });
  });

  it('leaves a current document alone and names a missing step', () => {
    expect(migrateSettings(file, { version: 3 }, migrations, 3)).toEqual({ doc: { version: 3 }, migrated: false });
    expect(() => migrateSettings(file, { version: 1 }, { 2: migrations[2]! }, 3)).toThrow(/no migration from settings version 1/);
  });

  it('a loaded current file is not rewritten', async () => {
    await saveSettings(file, defaultSettings(base));
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.replace('\n', '\n  '));
    const edited = await readFile(file, 'utf8');
    await loadSettings(file);
    expect(await readFile(file, 'utf8')).toBe(edited);
  });

  // The fields that version 3 drops, because nothing read them.
  const unread = { deviceSeq: 3, packTargetBytes: 16777216 };
  const v3Fields = {
    vaultId: 'v1', folder: '/home/u/Vault', remote: 's3://bucket/prefix', keyRef: 'keychain:coffer', deviceId: 'dev-a',
    retentionDays: 30, massDeleteThreshold: 0.5, rescanIntervalSec: 3600, sse: 'none', rotationPeriodDays: 365, launchAtLogin: false,
  };

  // What versions 4 and 5 add to a file written before them.
  const v4Added = { pollSeconds: 30, padding: 'off' };

  it('a version-1 file (before storage class and Object Lock) loads as version 6 with neither, and is saved back', async () => {
    // Exactly what Coffer wrote before version 2.
    const v1 = { version: 1, ...v3Fields, ...unread };
    await writeFile(file, JSON.stringify(v1));
    const s = await loadSettings(file);
    expect(s).toEqual({ ...v3Fields, ...v4Added, version: 6 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...v3Fields, ...v4Added, version: 6 });
  });

  it('a version-3 file (before head polling) loads as version 6 polling every 30 s, unpadded, and is saved back', async () => {
    await writeFile(file, JSON.stringify({ version: 3, ...v3Fields, bwlimitKiBps: 256 }));
    const s = await loadSettings(file);
    expect(s).toEqual({ ...v3Fields, bwlimitKiBps: 256, pollSeconds: 30, padding: 'off', version: 6 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...v3Fields, bwlimitKiBps: 256, pollSeconds: 30, padding: 'off', version: 6 });
  });

  it('a version-2 file loads without the fields nothing read (deviceSeq, packTargetBytes, lastSeenHead), and is saved back as version 6', async () => {
    const v2 = { version: 2, ...v3Fields, ...unread, storageClass: 'STANDARD_IA', lastSeenHead: { seq: 4, rootId: 'r4' } };
    await writeFile(file, JSON.stringify(v2));
    const s = await loadSettings(file);
    expect(s).toEqual({ ...v3Fields, ...v4Added, storageClass: 'STANDARD_IA', version: 6 });
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(saved).toEqual({ ...v3Fields, ...v4Added, storageClass: 'STANDARD_IA', version: 6 });
  });

  it('a version-5 file (before region) loads as version 6 with no region, every other field kept, and is saved back', async () => {
    const v5 = { version: 5, ...v3Fields, ...v4Added, profile: 'work' };
    await writeFile(file, JSON.stringify(v5));
    const want = { ...v5, version: 6 };
    expect(await loadSettings(file)).toEqual(want);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(want);
  });

  it('a version-4 file (before padding) loads as version 6 with padding off, every other field kept, and is saved back', async () => {
    const v4 = { version: 4, ...v3Fields, pollSeconds: 0, bwlimitKiBps: 64, objectLock: { mode: 'GOVERNANCE', days: 7 } };
    await writeFile(file, JSON.stringify(v4));
    const want = { ...v4, padding: 'off', version: 6 };
    expect(await loadSettings(file)).toEqual(want);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(want);
  });

  it('padding is off or padme: another value is a clear error, and the file is left as it was', async () => {
    expect(defaultSettings({ ...base, padding: 'padme' }).padding).toBe('padme');
    expect(() => defaultSettings({ ...base, padding: 'pad' as 'off' })).toThrow(/padding must be off or padme, not "pad"/);
    const text = JSON.stringify({ ...defaultSettings(base), padding: true });
    await writeFile(file, text);
    const err = await loadSettings(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect(String(err)).toMatch(/padding must be off or padme, not true/);
    expect(await readFile(file, 'utf8')).toBe(text);
    // A version-4 file with a bad value elsewhere is not migrated half-way: nothing is written back.
    const old = JSON.stringify({ version: 4, ...v3Fields, pollSeconds: 2 });
    await writeFile(file, old);
    await expect(loadSettings(file)).rejects.toThrow(/pollSeconds/);
    expect(await readFile(file, 'utf8')).toBe(old);
  });

  it('storage class and Object Lock are validated: S3 classes only, a mode and whole days', () => {
    expect(defaultSettings({ ...base, storageClass: 'STANDARD_IA', objectLock: { mode: 'COMPLIANCE', days: 30 } }))
      .toMatchObject({ storageClass: 'STANDARD_IA', objectLock: { mode: 'COMPLIANCE', days: 30 } });
    expect(() => defaultSettings({ ...base, storageClass: 'COLD' as 'STANDARD' })).toThrow(/storageClass/);
    expect(() => defaultSettings({ ...base, objectLock: { mode: 'GOVERNANCE', days: 0 } })).toThrow(/objectLock/);
    expect(() => defaultSettings({ ...base, objectLock: { mode: 'LEGAL' as 'GOVERNANCE', days: 5 } })).toThrow(/objectLock/);
  });
});
