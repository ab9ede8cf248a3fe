import { describe, expect, it } from 'vitest';
import { KEY_DATE_LEAD_DAYS, NoticePlanner } from '../../src-main/app/notice-planner.ts';
import { menuEnablement, trayIconBitmap, trayStateOf, trayTooltip } from '../../src-main/app/tray-state.ts';
import { applyLoginItem, HIDDEN_ARG, syncLoginItem } from '../../src-main/app/login-item.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { fakeHost, sampleKey, sampleStatus } from './fake-host.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

describe('NoticePlanner', () => {
  it('announces an error state and each new failure once', () => {
    const p = new NoticePlanner(new FakeClock(T0));
    const failing = { ...sampleStatus(), state: 'error' as const, error: 'S3 refused the credentials', failures: [{ path: 'a.txt', reason: 'timeout', time: iso(T0) }] };
    const first = p.fromStatus(failing);
    expect(first.map((n) => n.title)).toEqual(['Coffer cannot sync', 'A file did not sync']);
    expect(first[0]?.body).toContain('S3 refused');
    expect(p.fromStatus(failing)).toEqual([]);
    // Still failing, on another object: the same outage, no new alarm.
    expect(p.fromStatus({ ...failing, error: 'put objects/ab failed', failures: [] })).toEqual([]);
    // Healthy again, then the same error: it is news again.
    expect(p.fromStatus(sampleStatus())).toEqual([]);
    expect(p.fromStatus(failing).map((n) => n.title)).toEqual(['Coffer cannot sync']);
  });

  it('announces deletion and rotation dates as they approach and when they pass', () => {
    const clock = new FakeClock(T0);
    const p = new NoticePlanner(clock);
    const deletion = T0 + 10 * DAY;
    const key = { ...sampleKey('aws-kms:alias/x'), state: 'pending-deletion' as const, deletionDate: iso(deletion), rotation: { enabled: true, periodDays: 90, nextRotation: iso(T0 + 2 * DAY) } };
    expect(p.fromKeys([key]).map((n) => n.title)).toEqual(['Key rotation is near']);
    clock.setNow(deletion - (KEY_DATE_LEAD_DAYS * DAY - 1));
    const soon = p.fromKeys([key]);
    expect(soon.map((n) => n.title)).toEqual(['Key deletion is near', 'Key rotation is due']);
    expect(soon[0]?.urgency).toBe('critical');
    expect(p.fromKeys([key])).toEqual([]);
    clock.setNow(deletion + 1);
    expect(p.fromKeys([key]).map((n) => n.title)).toEqual(['Key deleted']);
  });

  it('stays quiet for keys without dates, disabled rotation or unparsable dates', () => {
    const p = new NoticePlanner(new FakeClock(T0));
    const keys = [
      { ...sampleKey('a'), rotation: undefined },
      { ...sampleKey('b'), rotation: { enabled: false, periodDays: 90, nextRotation: iso(T0 - DAY) } },
      { ...sampleKey('c'), state: 'pending-deletion' as const, deletionDate: 'soon-ish' },
    ];
    expect(p.fromKeys(keys)).toEqual([]);
  });
});

describe('tray state', () => {
  it('maps engine states to idle / syncing / paused / error, and idle only to up to date', () => {
    expect(trayStateOf('up-to-date')).toBe('idle');
    expect(trayStateOf('not-configured')).toBe('off');
    expect(trayStateOf('syncing')).toBe('syncing');
    expect(trayStateOf('error')).toBe('error');
    expect(trayStateOf('paused')).toBe('paused');
  });

  it('enables Pause, Resume and Sync now only when they make sense', () => {
    expect(menuEnablement('up-to-date')).toEqual({ pause: true, resume: false, syncNow: true });
    expect(menuEnablement('paused')).toEqual({ pause: false, resume: true, syncNow: false });
    expect(menuEnablement('syncing')).toEqual({ pause: true, resume: false, syncNow: false });
    expect(menuEnablement(null)).toEqual({ pause: false, resume: false, syncNow: false });
  });

  it('describes progress and errors in the tooltip', () => {
    expect(trayTooltip(null)).toBe('Coffer: not set up');
    expect(trayTooltip({ ...sampleStatus(), state: 'syncing', progress: { filesDone: 2, filesTotal: 5, bytesDone: 1, bytesTotal: 9 } })).toBe('Coffer: Syncing (2/5 files)');
    expect(trayTooltip({ ...sampleStatus(), state: 'error', error: 'bucket missing' })).toBe('Coffer: Error: bucket missing');
  });

  it('draws a distinct, opaque-centred, transparent-cornered icon per state', () => {
    const icons = (['idle', 'syncing', 'paused', 'error'] as const).map((s) => trayIconBitmap(s, 16));
    for (const b of icons) {
      expect(b.length).toBe(16 * 16 * 4);
      expect(b[3]).toBe(0); // top-left corner alpha
      expect(b[(8 * 16 + 8) * 4 + 3]).toBe(255); // centre alpha
    }
    expect(new Set(icons.map((b) => b.toString('hex'))).size).toBe(4);
  });
});

describe('launch at login', () => {
  it('registers with the OS (macOS, Windows) when the setting changes, starting hidden', async () => {
    const calls: unknown[] = [];
    const app = { setLoginItemSettings: (s: unknown) => void calls.push(s) };
    const dispatch = syncLoginItem(createDispatcher({ host: fakeHost() }), app, 'darwin');
    await dispatch('updateSettings', { patch: { launchAtLogin: true } });
    await dispatch('status', {});
    await dispatch('updateSettings', { patch: { launchAtLogin: 'yes' } });
    expect(calls).toEqual([{ openAtLogin: true, openAsHidden: true, args: [HIDDEN_ARG] }]);
    await applyLoginItem(app, false, 'win32');
    expect(calls.at(-1)).toEqual({ openAtLogin: false, openAsHidden: true, args: [] });
  });
});
