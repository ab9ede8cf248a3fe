// Launch at login on Linux: Electron's login-item API covers only macOS and Windows, so the desktop
// session's own mechanism is used, an XDG autostart entry (freedesktop.org "Desktop Application
// Autostart Specification"): $XDG_CONFIG_HOME/autostart/coffer.desktop, ~/.config when unset.
// Plain Node, so the tests run it against a temporary XDG_CONFIG_HOME.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export const AUTOSTART_FILE = 'coffer.desktop';

/** Where the entry lives; XDG_CONFIG_HOME is honoured only when absolute, as the spec asks. */
export function autostartPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'autostart', AUTOSTART_FILE);
}

/**
 * One argument of the Exec key: quoted, with the characters the spec reserves inside quotes escaped,
 * then the desktop-file string escaping (a backslash written twice); '%' is doubled (field codes).
 */
export function execArg(arg: string): string {
  if (/[\n\r\0]/.test(arg)) throw new Error('an autostart command cannot contain line breaks');
  const quoted = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** The entry's text: the command (program and arguments) started at login. */
export function autostartEntry(command: readonly string[]): string {
  if (command.length === 0) throw new Error('the autostart command is empty');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Coffer',
    'Comment=Keeps your folder encrypted and backed up',
    `Exec=${command.map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes (on) or removes (off) the entry; removing one that is not there is fine. */
export async function setXdgAutostart(on: boolean, command: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = autostartPath(env);
  if (!on) {
    await rm(file, { force: true });
    return file;
  }
  await mkdir(path.dirname(file), { recursive: true });
  // Temp file and rename: a session starting meanwhile reads the old entry or the new, never half of one.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, autostartEntry(command), { mode: 0o644 });
  await rename(tmp, file).catch(async (err: unknown) => {
    await rm(tmp, { force: true });
    throw err;
  });
  return file;
}
