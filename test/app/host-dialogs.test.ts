// The desktop app's file dialogs through the contract: the folder picker and the recovery kit saved 0600.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { electronDialogs, type DialogLike } from '../../src-main/app/host-dialogs.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { fakeHost } from './fake-host.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const win = { isDestroyed: () => false } as unknown as BrowserWindow;

function fakeDialog(answer: { folder?: string | null; saveAs?: string | null }): DialogLike & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async showOpenDialog(_w, o) {
      asked.push(`open:${o.properties?.join(',')}`);
      return answer.folder ? { canceled: false, filePaths: [answer.folder] } : { canceled: true, filePaths: [] };
    },
    async showSaveDialog(_w, o) {
      asked.push(`save:${o.defaultPath}`);
      return answer.saveAs ? { canceled: false, filePath: answer.saveAs } : { canceled: true };
    },
  };
}

describe('host dialogs', () => {
  it('saves the recovery kit readable by its owner alone, also over a file that was not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-kit-'));
    dirs.push(dir);
    const target = join(dir, 'kit.txt');
    await writeFile(target, 'old', { mode: 0o644 });
    const dialog = fakeDialog({ saveAs: target });
    const dispatch = createDispatcher({ host: fakeHost(), dialogs: electronDialogs(dialog, () => win) });
    const reply = await dispatch('saveRecoveryKit', { text: 'Coffer recovery kit\nCR1-AAAA\n', suggestedName: 'coffer-recovery-kit.txt' });
    expect(reply).toEqual({ ok: true, value: { path: target } });
    expect(await readFile(target, 'utf8')).toBe('Coffer recovery kit\nCR1-AAAA\n');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(dialog.asked[0]).toMatch(/^save:.*coffer-recovery-kit\.txt$/);
    // A name that is a path is refused before any dialog opens.
    expect(await dispatch('saveRecoveryKit', { text: 'x', suggestedName: '../../etc/kit' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(dialog.asked).toHaveLength(1);
  });

  it('answers null when the user cancels, and picks folders', async () => {
    const dispatch = createDispatcher({ host: fakeHost(), dialogs: electronDialogs(fakeDialog({ folder: '/home/ann/Documents' }), () => win) });
    expect(await dispatch('hostFeatures', {})).toEqual({ ok: true, value: { pickFolder: true, saveFile: true } });
    expect(await dispatch('pickFolder', { title: 'Folder to protect' })).toEqual({ ok: true, value: { path: '/home/ann/Documents' } });
    expect(await dispatch('saveRecoveryKit', { text: 'kit', suggestedName: 'kit.txt' })).toEqual({ ok: true, value: { path: null } });
  });

  it('are absent in coffer ui: the features say so and the calls are refused', async () => {
    const dispatch = createDispatcher({ host: fakeHost() });
    expect(await dispatch('hostFeatures', {})).toEqual({ ok: true, value: { pickFolder: false, saveFile: false } });
    expect(await dispatch('pickFolder', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
