// Launch at login on Linux: the XDG autostart entry is written and removed as the setting changes,
// under a temporary XDG_CONFIG_HOME (never the real ~/.config).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_ARG, loginCommand, syncLoginItem } from '../../src-main/app/login-item.ts';
import { autostartEntry, autostartPath, execArg, setXdgAutostart } from '../../src-main/app/xdg-autostart.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { fakeHost } from './fake-host.ts';

let xdg: string;
const saved = process.env.XDG_CONFIG_HOME;

beforeAll(async () => {
  xdg = await mkdtemp(path.join(tmpdir(), 'coffer-xdg-'));
  process.env.XDG_CONFIG_HOME = xdg;
});

afterAll(async () => {
  if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = saved;
  await rm(xdg, { recursive: true, force: true });
});

describe('XDG autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config when it is unset or relative', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/ann' })).toBe('/x/cfg/autostart/coffer.desktop');
    expect(autostartPath({ HOME: '/home/ann' })).toBe('/home/ann/.config/autostart/coffer.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'rel/cfg', HOME: '/home/ann' })).toBe('/home/ann/.config/autostart/coffer.desktop');
  });

  it('quotes the command as the spec asks: spaces, quotes, $, backslashes and % survive', () => {
    expect(execArg('/opt/Coffer App/coffer')).toBe('"/opt/Coffer App/coffer"');
    expect(execArg('a"b$c`d')).toBe('"a\\\\"b\\\\$c\\\\`d"');
    expect(execArg('50%')).toBe('"50%%"');
    expect(() => execArg('a\nb')).toThrow(/line breaks/);
    const entry = autostartEntry(['/opt/Coffer/coffer', HIDDEN_ARG]);
    expect(entry.split('\n')).toEqual(expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=Coffer', 'Exec="/opt/Coffer/coffer" "--hidden"']));
  });

  it('is written when launch at login is turned on and removed when it is turned off (through the settings dispatcher)', async () => {
    const file = path.join(xdg, 'autostart', 'coffer.desktop');
    const app = { setLoginItemSettings: () => { throw new Error('not on Linux'); }, isPackaged: true };
    const dispatch = syncLoginItem(createDispatcher({ host: fakeHost() }), app, 'linux');
    expect(await dispatch('updateSettings', { patch: { launchAtLogin: true } })).toMatchObject({ ok: true });
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`Exec=${loginCommand(app).map(execArg).join(' ')}`);
    expect(text).toContain('"--hidden"');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await dispatch('updateSettings', { patch: { launchAtLogin: false } })).toMatchObject({ ok: true });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    // Off again with no entry there: nothing to do, no error.
    await setXdgAutostart(false, [], process.env);
  });

  it('says the setting was saved but the entry could not be written, when the folder cannot be made', async () => {
    const dispatch = syncLoginItem(createDispatcher({ host: fakeHost() }), { setLoginItemSettings: () => undefined, isPackaged: true }, 'linux');
    // A file where the config folder should be: the autostart folder cannot be made under it.
    const blocker = path.join(xdg, 'a-file');
    await writeFile(blocker, '');
    process.env.XDG_CONFIG_HOME = blocker;
    try {
      const env = await dispatch('updateSettings', { patch: { launchAtLogin: true } });
      expect(env).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^The setting was saved, but launch at login could not be turned on/) } });
    } finally {
      process.env.XDG_CONFIG_HOME = xdg;
    }
  });

  it('runs the AppImage when there is one, and electron with the app folder in development', () => {
    expect(loginCommand({ setLoginItemSettings: () => undefined, isPackaged: true }, { APPIMAGE: '/home/ann/Coffer.AppImage' }, '/tmp/.mount_x/coffer'))
      .toEqual(['/home/ann/Coffer.AppImage', HIDDEN_ARG]);
    expect(loginCommand({ setLoginItemSettings: () => undefined, isPackaged: false, getAppPath: () => '/src/coffer' }, {}, '/usr/bin/electron'))
      .toEqual(['/usr/bin/electron', '/src/coffer', HIDDEN_ARG]);
  });
});
