// The desktop app's file dialogs for the renderer (a thin host capability: the contract's pickFolder and
// saveRecoveryKit reach these through dispatch). `coffer ui` has none; its wizard takes a typed path and
// offers the kit as a download instead.
import { chmod, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { homedir } from 'node:os';
import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { HostDialogs } from '../ipc/dispatch.ts';

/** The part of Electron's `dialog` we use; tests pass a fake. */
export interface DialogLike {
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

export function electronDialogs(dialog: DialogLike, window: () => BrowserWindow | null): HostDialogs {
  const parent = (): BrowserWindow => {
    const w = window();
    if (!w || w.isDestroyed()) throw new Error('The Coffer window is not open');
    return w;
  };
  return {
    async pickFolder(title) {
      const r = await dialog.showOpenDialog(parent(), { title: title ?? 'Choose a folder', properties: ['openDirectory', 'createDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveSecretFile(suggestedName, text) {
      const r = await dialog.showSaveDialog(parent(), {
        title: 'Save the recovery kit', defaultPath: join(homedir(), basename(suggestedName)),
        filters: [{ name: 'Text', extensions: ['txt'] }],
      });
      if (r.canceled || !r.filePath) return null;
      await writeSecretFile(r.filePath, text);
      return r.filePath;
    },
  };
}

/** Writes a secret readable by its owner alone; an existing file is narrowed to 0600 before the write. */
export async function writeSecretFile(path: string, text: string): Promise<void> {
  await chmod(path, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}
