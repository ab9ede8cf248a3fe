// The tray and the notifications for a vault that is not syncing: locked at start (a passphrase vault
// started at login, hidden) or waiting for its destination. Plain data, no Electron.
import { describe, expect, it } from 'vitest';
import { NoticePlanner } from '../../src-main/app/notice-planner.ts';
import { trayIconBitmap, trayView } from '../../src-main/app/tray-state.ts';
import type { VaultStatus } from '../../src-main/engine/ports/vault-service.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { sampleStatus } from './fake-host.ts';

const waiting = (): VaultStatus => ({
  ...sampleStatus(), state: 'error', remote: 'file:///media/ann/USB disk/coffer', errorCode: 'destination-missing',
  error: 'Coffer could not reach the destination: destination folder /media/ann/USB disk/coffer does not exist',
  nextRetry: '2026-12-02T10:00:05.000Z',
});

describe('the tray of a vault that is not syncing', () => {
  it('shows a locked vault with its own icon and an Unlock… item, and nothing to sync or pause', () => {
    const view = trayView({ status: null, locked: true });
    expect(view).toMatchObject({ state: 'locked', unlock: true, menu: { pause: false, resume: false, syncNow: false } });
    expect(view.tooltip).toMatch(/Locked, not syncing/);
    // Distinct by shape, not only colour: the locked icon is a ring, the others are filled.
    const ring = trayIconBitmap('locked', 16);
    const dot = trayIconBitmap('idle', 16);
    const centre = (8 * 16 + 8) * 4 + 3;
    expect(ring[centre]).toBe(0);
    expect(dot[centre]).toBe(255);
    expect(ring.equals(trayIconBitmap('off', 16))).toBe(false);
  });

  it('is never idle unless the vault is up to date', () => {
    expect(trayView({ status: null, locked: false }).state).toBe('off');
    expect(trayView({ status: waiting(), locked: false }).state).toBe('error');
    expect(trayView({ status: { ...sampleStatus(), state: 'paused' }, locked: false }).state).toBe('paused');
    expect(trayView({ status: sampleStatus(), locked: false }).state).toBe('idle');
    expect(trayView({ status: sampleStatus(), locked: false }).unlock).toBe(false);
  });

  it('says what to do in the tooltip of a destination that is away', () => {
    expect(trayView({ status: waiting(), locked: false }).tooltip).toMatch(/^Coffer: Error: Plug in the disk at \/media\/ann\/USB disk\/coffer /);
  });
});

describe('notifications for a vault that is not syncing', () => {
  it('announces a locked vault once per lock, and again after it was unlocked and locked again', () => {
    const p = new NoticePlanner(new FakeClock());
    const first = p.fromHost({ status: null, locked: true });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ title: 'Coffer is locked', urgency: 'critical' });
    expect(first[0]!.body).toContain('Unlock…');
    expect(p.fromHost({ status: null, locked: true })).toEqual([]);
    expect(p.fromHost({ status: sampleStatus(), locked: false })).toEqual([]);
    expect(p.fromHost({ status: null, locked: true }).map((n) => n.title)).toEqual(['Coffer is locked']);
  });

  it('announces a destination that is away with its next step, once per outage', () => {
    const p = new NoticePlanner(new FakeClock());
    const [notice, ...rest] = p.fromHost({ status: waiting(), locked: false });
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({ title: 'Coffer cannot sync', urgency: 'critical' });
    expect(notice!.body).toContain('does not exist');
    expect(notice!.body).toContain('Plug in the disk at /media/ann/USB disk/coffer');
    // The next try fails the same way: no second alarm.
    expect(p.fromHost({ status: { ...waiting(), nextRetry: '2026-12-02T10:00:15.000Z' }, locked: false })).toEqual([]);
    const s3 = { ...waiting(), remote: 's3://bucket/vault', errorCode: 'destination-unreachable' as const, error: 'gave up after 5 attempts' };
    const p2 = new NoticePlanner(new FakeClock());
    expect(p2.fromHost({ status: s3, locked: false })[0]!.body).toContain('Check the network or credentials');
  });
});
