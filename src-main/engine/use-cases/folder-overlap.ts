import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relativeInside } from '../fsx/path-inside.ts';

/** A folder one app cannot add; named so the IPC layer answers 400 (ipc/errors.ts). */
export class FolderRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/**
 * Refuses a folder that would share files with a folder this app already protects: the same folder, one
 * inside another, or a folder destination inside a protected folder (its ciphertext would be uploaded
 * again as that folder's files). Each file belongs to one vault, so one pass never fights another's.
 */
export async function checkNewFolder(registered: readonly { folder: string }[], folder: string, remote?: string): Promise<void> {
  const wanted = await realFolder(folder);
  for (const { folder: taken } of registered) {
    const inside = relativeInside(taken, wanted);
    if (inside === '') throw new FolderRefused(`${wanted} is already protected by Coffer`);
    if (inside !== null) throw new FolderRefused(`${wanted} is inside ${taken}, which Coffer already protects: a file can belong to one vault only; choose a folder outside it`);
    if (relativeInside(wanted, taken) !== null) {
      throw new FolderRefused(`${wanted} holds ${taken}, which Coffer already protects as its own vault: a file can belong to one vault only; choose a folder that does not contain it`);
    }
  }
  const destination = remote?.startsWith('file://') ? await realFolder(fileURLToPath(remote)) : null;
  if (destination === null) return;
  for (const f of [wanted, ...registered.map((r) => r.folder)]) {
    if (relativeInside(f, destination) !== null) {
      throw new FolderRefused(`the destination ${destination} is inside ${f}, a folder Coffer protects: its encrypted copies would be uploaded again; choose a destination outside it`);
    }
  }
}

/**
 * What the switcher calls each folder: its base name, or, where two share one, the name with its
 * parent's ("Documents (work)"), so no two entries look alike.
 */
export function folderNames(folders: readonly string[]): string[] {
  const base = (f: string) => basename(f) || f;
  return folders.map((f) => {
    const clash = folders.some((o) => o !== f && base(o) === base(f));
    return clash ? `${base(f)} (${basename(dirname(f)) || dirname(f)})` : base(f);
  });
}

/** The folder as init and join register it: through its symlinks, or (not made yet) its nearest parent's. */
async function realFolder(folder: string): Promise<string> {
  const abs = resolve(folder);
  const real = await realpath(abs).catch(() => null);
  if (real !== null) return real;
  const parent = dirname(abs);
  return parent === abs ? abs : join(await realFolder(parent), basename(abs));
}
