// A real Secret Service for the whole test run: a private D-Bus session bus with an unlocked
// gnome-keyring, in fresh XDG folders (an old keyring stays locked). Owned by the keys helper.
//
// The bus address is put in process.env before any worker starts (forked workers inherit it) and is
// also provided as `keyringService`, so a test can check it really talks to this bus.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { GlobalSetup } from './global-setups.ts';

export interface KeyringServiceInfo {
  available: boolean;
  /** Why the keychain tests skip, when not available. */
  reason?: string;
  busAddress?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    keyringService: KeyringServiceInfo;
  }
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('dbus-daemon did not print its address')), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
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

/** Polls until gnome-keyring answers on the bus: a set/get/delete round trip. */
async function waitForSecretService(deadline: number): Promise<void> {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  const probe = new AsyncEntry('coffer-test-probe', 'ready');
  for (;;) {
    try {
      await probe.setPassword('ok');
      if ((await probe.getPassword()) === 'ok') {
        await probe.deleteCredential();
        return;
      }
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`gnome-keyring did not come up: ${(err as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const setup: GlobalSetup = async (project) => {
  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((c) => !hasCommand(c));
  if (missing.length > 0) {
    const reason = `${missing.join(' and ')} not installed (apt-get install -y gnome-keyring dbus-x11)`;
    if (process.env.CI === 'true') throw new Error(`keyring service: ${reason}`);
    project.provide('keyringService', { available: false, reason });
    return async () => undefined;
  }
  const dataHome = await mkdtemp(join(tmpdir(), 'coffer-keyring-data-'));
  const runtimeDir = await mkdtemp(join(tmpdir(), 'coffer-keyring-run-'));
  await chmod(runtimeDir, 0o700);
  const saved = {
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    XDG_DATA_HOME: process.env.XDG_DATA_HOME,
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR,
  };
  const env = { ...process.env, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir };
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let keyring: ChildProcess | undefined;
  const teardown = async (): Promise<void> => {
    keyring?.kill('SIGTERM');
    bus.kill('SIGTERM');
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(dataHome, { recursive: true, force: true });
    await rm(runtimeDir, { recursive: true, force: true });
  };
  try {
    const busAddress = await firstLine(bus, 5000);
    Object.assign(env, { DBUS_SESSION_BUS_ADDRESS: busAddress });
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env, stdio: ['pipe', 'ignore', 'ignore'],
    });
    // --unlock reads the login password from stdin: the new keyring is created unlocked with it.
    keyring.stdin?.end('ci-pass');
    Object.assign(process.env, { DBUS_SESSION_BUS_ADDRESS: busAddress, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: runtimeDir });
    await waitForSecretService(Date.now() + 10_000);
    project.provide('keyringService', { available: true, busAddress });
    return teardown;
  } catch (err) {
    await teardown();
    if (process.env.CI === 'true') throw err;
    project.provide('keyringService', { available: false, reason: `could not start gnome-keyring: ${(err as Error).message}` });
    return async () => undefined;
  }
};
