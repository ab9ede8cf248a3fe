import { describe, expect, it } from 'vitest';
import { overallState, overallTrayStatus } from '../../src-main/app/overall-state.ts';
import { trayTooltip } from '../../src-main/app/tray-state.ts';
import type { FolderState, FolderView } from '../../src-main/engine/ports/vault-service.ts';

const folder = (name: string, state: FolderState, error?: string): FolderView => ({
  vaultId: `v-${name}`, folder: `/home/ann/${name}`, name, state, selected: false, ...(error ? { error } : {}),
});

describe('overallState', () => {
  it.each<[FolderState[], FolderState]>([
    [['up-to-date', 'up-to-date', 'up-to-date'], 'up-to-date'],
    [['up-to-date', 'paused'], 'paused'],
    [['paused', 'syncing', 'up-to-date'], 'syncing'],
    [['syncing', 'locked', 'up-to-date'], 'locked'],
    [['locked', 'up-to-date', 'error', 'syncing'], 'error'],
    [['not-configured', 'up-to-date'], 'up-to-date'],
    [['not-configured'], 'not-configured'],
    [[], 'not-configured'],
  ])('%j is %s', (states, expected) => {
    expect(overallState(states.map((s, i) => folder(`f${i}`, s))).state).toBe(expected);
  });

  it('names the first folder in the worst state and counts the others like it', () => {
    const o = overallState([folder('Docs', 'up-to-date'), folder('Photos', 'error', 'disk gone'), folder('Music', 'error', 'no network')]);
    expect(o).toMatchObject({ state: 'error', count: 2, total: 3, cause: { name: 'Photos' } });
  });
});

describe('overallTrayStatus', () => {
  it('is null with no folder, so the tray says "not set up"', () => {
    expect(overallTrayStatus([])).toBeNull();
    expect(trayTooltip(overallTrayStatus([]))).toBe('Coffer: not set up');
  });

  it('shows one folder as it is, without naming it', () => {
    expect(trayTooltip(overallTrayStatus([folder('Docs', 'error', 'Plug in the disk at /media/usb')])))
      .toBe('Coffer: Error: Plug in the disk at /media/usb');
    expect(trayTooltip(overallTrayStatus([folder('Docs', 'up-to-date')]))).toBe('Coffer: Up to date');
  });

  it('names the folder in error among several, or how many are', () => {
    expect(trayTooltip(overallTrayStatus([folder('Docs', 'syncing'), folder('Photos', 'error', 'disk gone')])))
      .toBe('Coffer: Error: Photos: disk gone');
    expect(trayTooltip(overallTrayStatus([folder('Docs', 'error', 'a'), folder('Photos', 'error', 'b'), folder('Music', 'up-to-date')])))
      .toBe('Coffer: Error: 2 of 3 folders: a');
  });

  it('never shows a locked folder as idle: it is an error that says how to unlock', () => {
    const s = overallTrayStatus([folder('Docs', 'up-to-date'), folder('Taxes', 'locked')]);
    expect(s?.state).toBe('error');
    expect(trayTooltip(s)).toBe('Coffer: Error: Taxes is locked: open Coffer to unlock it');
  });

  it('is syncing while any folder syncs and up to date only when all are', () => {
    expect(overallTrayStatus([folder('Docs', 'up-to-date'), folder('Photos', 'syncing')])?.state).toBe('syncing');
    expect(overallTrayStatus([folder('Docs', 'up-to-date'), folder('Photos', 'up-to-date')])?.state).toBe('up-to-date');
  });
});
