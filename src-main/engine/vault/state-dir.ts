import { homedir } from 'node:os';
import { join, resolve, relative, isAbsolute } from 'node:path';

/**
 * Where Coffer keeps its local state: COFFER_HOME, or the OS's per-user app-data folder. Each vault has
 * its own subfolder (settings, journal, history, index, caches, spool).
 */
export function cofferHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.COFFER_HOME) return resolve(env.COFFER_HOME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Coffer');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Coffer');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'coffer');
}

export interface VaultPaths {
  dir: string;
  settings: string;
  index: string;
  cache: string;
  spool: string;
}

export function vaultPaths(home: string, vaultId: string): VaultPaths {
  const dir = join(home, 'vaults', vaultId);
  return {
    dir,
    settings: join(dir, 'settings.json'),
    index: join(dir, 'index.json'),
    cache: join(dir, 'cache'),
    spool: join(dir, 'spool'),
  };
}

/** The state dir must never live inside the watched folder: it would be synced, and hold names in clear. */
export function assertStateOutside(folder: string, home: string): void {
  const rel = relative(resolve(folder), resolve(home));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new Error(`the Coffer state folder (${home}) is inside the folder to protect; set COFFER_HOME to a folder outside it`);
  }
}
