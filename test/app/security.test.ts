// Electron hardening, checked without the Electron binary: the webPreferences every window gets, the IPC
// sender check, the external-link allow-list, and the preload's channel names.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { commandHandler, FORBIDDEN_SENDER, registerIpcHandlers, type IpcMainLike } from '../../src-main/app/ipc-main.ts';
import {
  APP_ORIGIN, constructSecureWindow, isAllowedExternalUrl, isAppUrl, isTrustedSender, type SenderLike,
} from '../../src-main/app/security.ts';
import { hardenSession, type SessionLike } from '../../src-main/app/session.ts';
import { contentSecurityPolicy } from '../../src-main/ui-server/static-files.ts';
import type { BrowserWindowConstructorOptions } from 'electron';
import { commandNames, EVENT_CHANNEL, ipcChannel } from '../../src-main/ipc/contract.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { fakeHost } from './fake-host.ts';

const MAIN_ID = 7;
const ev = (over: { id?: number; url?: string; parent?: unknown; frame?: null }): SenderLike => ({
  sender: { id: over.id ?? MAIN_ID },
  senderFrame: over.frame === null ? null : { url: over.url ?? `${APP_ORIGIN}/index.html`, parent: over.parent ?? null },
});

class FakeWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

describe('window construction', () => {
  it('isolates, sandboxes and disables node for every window, whatever the caller passes', () => {
    const hostile = { width: 10, webPreferences: { nodeIntegration: true, sandbox: false } } as BrowserWindowConstructorOptions;
    const win = constructSecureWindow(FakeWindow, '/x/preload.js', hostile, { isPackaged: true });
    expect(win.options.width).toBe(10);
    expect(win.options.webPreferences).toMatchObject({
      preload: '/x/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(win.options.webPreferences?.enableBlinkFeatures).toBeUndefined();
  });

  it('opens DevTools only in an unpackaged (development) run', () => {
    expect(constructSecureWindow(FakeWindow, '/p.js', {}, { isPackaged: true }).options.webPreferences?.devTools).toBe(false);
    expect(constructSecureWindow(FakeWindow, '/p.js', {}, { isPackaged: false }).options.webPreferences?.devTools).toBe(true);
  });

  it('main.ts turns the sandbox on for every renderer before the app is ready', async () => {
    const main = await readFile('src-main/app/main.ts', 'utf8');
    const sandboxAt = main.indexOf('app.enableSandbox();');
    expect(sandboxAt).toBeGreaterThan(-1);
    expect(sandboxAt).toBeLessThan(main.indexOf('app.whenReady()'));
  });

  it('windows.ts builds windows only through constructSecureWindow, and nothing else constructs one', async () => {
    const src = await readFile('src-main/app/windows.ts', 'utf8');
    expect(src).toMatch(/constructSecureWindow\(BrowserWindow, PRELOAD_PATH/);
    expect(src).toMatch(/\}, app\);/);
    expect(src).toMatch(/setWindowOpenHandler[\s\S]*action: 'deny'/);
    expect(src).toMatch(/will-navigate/);
    for (const f of ['windows.ts', 'main.ts', 'tray.ts', 'notifications.ts', 'protocol.ts', 'ipc-main.ts', 'session.ts']) {
      const text = await readFile(`src-main/app/${f}`, 'utf8');
      expect(text).not.toMatch(/new BrowserWindow\(/);
      expect(text).not.toMatch(/new BrowserView\(|WebContentsView/);
    }
    const openExternalCalls = (src.match(/shell\.openExternal\(/g) ?? []).length;
    expect(openExternalCalls).toBe(1);
  });
});

describe('session hardening', () => {
  function fakeSession() {
    const s = {
      headers: null as null | ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
      before: null as null | ((d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void),
      permission: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
      check: null as null | (() => boolean),
    };
    const session = {
      webRequest: {
        onHeadersReceived: (l: typeof s.headers) => void (s.headers = l),
        onBeforeRequest: (l: typeof s.before) => void (s.before = l),
      },
      setPermissionRequestHandler: (h: typeof s.permission) => void (s.permission = h),
      setPermissionCheckHandler: (h: typeof s.check) => void (s.check = h),
    } as unknown as SessionLike;
    hardenSession(session);
    return s;
  }

  it('puts the same CSP as the static server (minus network) on our pages, replacing any other', () => {
    const s = fakeSession();
    let got: Record<string, string[]> = {};
    s.headers!({ url: `${APP_ORIGIN}/index.html`, responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, (r) => (got = r.responseHeaders ?? {}));
    const cspKeys = Object.keys(got).filter((k) => k.toLowerCase() === 'content-security-policy');
    expect(cspKeys).toEqual(['Content-Security-Policy']);
    expect(got['Content-Security-Policy']).toEqual([contentSecurityPolicy({ connectSelf: false })]);
    expect(got['X-Content-Type-Options']).toEqual(['nosniff']);
    expect(got['X-Other']).toEqual(['1']);
  });

  it('cancels every request that is not for our own pages and grants no permission', () => {
    const s = fakeSession();
    const cancel = (url: string) => {
      let c: boolean | undefined;
      s.before!({ url }, (r) => (c = r.cancel));
      return c;
    };
    expect(cancel(`${APP_ORIGIN}/assets/app.js`)).toBe(false);
    expect(cancel('https://evil.example/x.js')).toBe(true);
    expect(cancel('file:///etc/passwd')).toBe(true);
    let granted: boolean | undefined;
    s.permission!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(s.check!()).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('accepts the main window top frame on our origin', () => {
    expect(isTrustedSender(ev({}), MAIN_ID)).toBe(true);
    expect(isTrustedSender(ev({ url: `${APP_ORIGIN}/index.html#/keys` }), MAIN_ID)).toBe(true);
  });

  it.each([
    ['another webContents', ev({ id: 8 })],
    ['a foreign page in the main window', ev({ url: 'https://evil.example/' })],
    ['a file:// page', ev({ url: 'file:///home/ann/evil.html' })],
    ['a look-alike host', ev({ url: 'app://coffer.evil/index.html' })],
    ['credentials in the URL', ev({ url: 'app://x@coffer/index.html' })],
    ['a subframe', ev({ parent: { url: `${APP_ORIGIN}/index.html` } })],
    ['no frame', ev({ frame: null })],
    ['an unparsable URL', ev({ url: 'not a url' })],
  ])('rejects %s', (_label, event) => {
    expect(isTrustedSender(event, MAIN_ID)).toBe(false);
  });

  it('rejects everything when there is no main window', () => {
    expect(isTrustedSender(ev({}), null)).toBe(false);
  });
});

describe('IPC handlers', () => {
  it('register one channel per contract command', () => {
    const handled: string[] = [];
    const fake: IpcMainLike = { handle: (c) => void handled.push(c), removeHandler: (c) => void handled.splice(handled.indexOf(c), 1) };
    const remove = registerIpcHandlers(fake, createDispatcher({ host: fakeHost() }), () => MAIN_ID);
    expect(handled.sort()).toEqual(commandNames.map(ipcChannel).sort());
    remove();
    expect(handled).toEqual([]);
  });

  it('refuse a wrong sender before the engine is touched', async () => {
    const host = fakeHost();
    const handler = commandHandler('status', createDispatcher({ host }), () => MAIN_ID);
    expect(await handler(ev({ id: 99 }), {})).toEqual(FORBIDDEN_SENDER);
    expect(await handler(ev({ url: 'https://evil.example/' }), {})).toEqual(FORBIDDEN_SENDER);
    expect(host.calls).toHaveLength(0);
  });

  it('refuse bad payloads and extra arguments from the right sender', async () => {
    const host = fakeHost();
    const dispatch = createDispatcher({ host });
    const rotate = commandHandler('rotateKey', dispatch, () => MAIN_ID);
    const bad = await rotate(ev({}), { ref: 42 });
    expect(bad.ok === false && bad.error.code).toBe('invalid-request');
    const extra = await rotate(ev({}), { ref: 'keychain:work' }, 'second');
    expect(extra.ok === false && extra.error.code).toBe('invalid-request');
    expect(host.calls).toHaveLength(0);
    const good = await rotate(ev({}), { ref: 'keychain:work' });
    expect(good.ok).toBe(true);
    expect(host.calls).toEqual([{ method: 'rotateKey', args: ['keychain:work'] }]);
  });
});

describe('navigation and external links', () => {
  it('recognises only our own pages', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('http://coffer/index.html')).toBe(false);
  });

  it.each([
    ['https://github.com/coffer-vault/coffer', true],
    ['https://github.com/coffer-vault/coffer/blob/main/README.md', true],
    ['https://docs.aws.amazon.com/kms/latest/developerguide/overview.html', true],
    ['http://github.com/coffer-vault/coffer', false],
    ['https://github.com/coffer-vault/coffer-evil', false],
    ['https://github.com/attacker/repo', false],
    ['https://user:pw@github.com/coffer-vault/coffer', false],
    ['https://github.com.evil.example/coffer-vault/coffer', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://server/share', false],
  ])('openExternal %s -> %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed);
  });
});

describe('preload', () => {
  it('is CommonJS, imports only electron at runtime, and uses the contract channel names', async () => {
    const src = await readFile('src-main/app/preload/preload.ts', 'utf8');
    const pkg = JSON.parse(await readFile('src-main/app/preload/package.json', 'utf8')) as { type: string };
    expect(pkg.type).toBe('commonjs');
    expect(src).not.toMatch(/^import (?!type |electron = require\('electron'\))/m);
    expect(src).toContain(`'${EVENT_CHANNEL}'`);
    expect(ipcChannel('status').startsWith(src.match(/COMMAND_PREFIX = '([^']+)'/)?.[1] ?? '?')).toBe(true);
    expect(src).toMatch(/exposeInMainWorld\('coffer'/);
  });
});
