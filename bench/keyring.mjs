// A private Secret Service for Coffer's default key custody (keychain:), started the way
// test/support/keyring-service.ts starts it: a session D-Bus of our own with an unlocked gnome-keyring
// in fresh XDG folders (an old keyring stays locked). Returns the environment a child needs, or null with
// a reason when gnome-keyring is not installed (the keychain rows are then skipped with a note).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function keyringMissing() {
  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((c) => spawnSync('which', [c]).status !== 0);
  return missing.length ? `not installed: ${missing.join(', ')} (apt-get install -y gnome-keyring dbus-x11)` : null;
}

/** @returns {Promise<{ env: Record<string, string>, stop: () => void }>} */
export async function startKeyring(scratch) {
  const dataHome = mkdtempSync(join(scratch, 'keyring-data-'));
  const runtimeDir = mkdtempSync(join(scratch, 'keyring-run-'));
  chmodSync(runtimeDir, 0o700);
  const env = { ...process.env, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir };
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let keyring;
  const stop = () => {
    keyring?.kill('SIGTERM');
    bus.kill('SIGTERM');
    rmSync(dataHome, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    const address = await firstLine(bus, 5000);
    const childEnv = { XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir, DBUS_SESSION_BUS_ADDRESS: address };
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: { ...env, ...childEnv }, stdio: ['pipe', 'ignore', 'ignore'] });
    // --unlock reads the login password from stdin: the new keyring is created unlocked with it.
    keyring.stdin.end('bench-pass');
    await waitForSecretService(childEnv, Date.now() + 10_000);
    return { env: childEnv, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

function firstLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('dbus-daemon did not print its address')), timeoutMs);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        resolve(buf.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`dbus-daemon exited early (${code})`)));
  });
}

/** gnome-keyring answers a set/get/delete round trip (in a child, so this process's env stays as it is). */
async function waitForSecretService(childEnv, deadline) {
  // Probe only once gnome-keyring owns the name: an earlier call would have D-Bus activate a second,
  // locked daemon from the system's service file.
  const env = { ...process.env, ...childEnv };
  const owned = ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'];
  while (!/boolean true/.test(String(spawnSync('dbus-send', owned, { env }).stdout))) {
    if (Date.now() > deadline) throw new Error('gnome-keyring did not take the Secret Service name on the private bus');
    await new Promise((res) => setTimeout(res, 100));
  }
  const probe = `const { AsyncEntry } = await import('@napi-rs/keyring'); const e = new AsyncEntry('coffer-bench-probe', 'ready');
    await e.setPassword('ok'); if ((await e.getPassword()) !== 'ok') process.exit(1); await e.deleteCredential();`;
  for (;;) {
    const r = spawnSync('node', ['--input-type=module', '-e', probe], { env, cwd: new URL('..', import.meta.url).pathname });
    if (r.status === 0) return;
    if (Date.now() > deadline) throw new Error(`gnome-keyring did not come up: ${String(r.stderr).trim().split("\n").slice(-12).join(" | ")}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}
