import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Restore from '../../src-renderer/views/Restore.svelte';
import App from '../../src-renderer/App.svelte';
import VersionsPanel from '../../src-renderer/components/VersionsPanel.svelte';
import { RestoreState, folderProblem } from '../../src-renderer/lib/state/restore-state.svelte.ts';
import type { Request, Response } from '../../src-main/ipc/contract.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, key, NOW, status } from './fixtures.ts';

type Item = Response<'snapshotFolder'>['items'][number];
const R1 = 'a'.repeat(32);
const R2 = 'b'.repeat(32);

const snapshots = () => ({
  snapshots: [
    { rootId: R1, time: iso(NOW - 60_000), device: 'dev-1', deviceName: 'laptop', files: 3, bytes: 30, changed: 1 },
    { rootId: R2, time: iso(NOW - 86_400_000), device: 'dev-2', files: 3, bytes: 30, changed: 3 },
  ],
  next: 'c'.repeat(32),
});

const item = (path: string, over: Partial<Item> = {}): Item => ({
  path, name: path.slice(path.lastIndexOf('/') + 1), type: 'file', size: 10, files: 0, mtime: iso(NOW - 3_600_000), now: 'same', ...over,
});

/** A snapshot with docs/ (a.txt, b.txt) and top.txt, deleted since; search matches paths. */
const FOLDERS: Record<string, Item[]> = {
  '': [item('docs', { type: 'dir', files: 2, size: 20, now: 'changed' }), item('top.txt', { now: 'deleted' })],
  docs: [item('docs/a.txt', { now: 'changed' }), item('docs/b.txt')],
};

function engine(t = new FakeTransport()) {
  return t.on('snapshots', () => snapshots())
    .on('snapshotFolder', (req: Request<'snapshotFolder'>) => {
      const all = FOLDERS[req.folder] ?? [];
      return { items: all.slice(req.offset ?? 0, (req.offset ?? 0) + (req.limit ?? 200)), total: all.length };
    })
    .on('snapshotSearch', (req: Request<'snapshotSearch'>) => {
      const all = Object.values(FOLDERS).flat().filter((i) => i.path.includes(req.query));
      return { items: all, total: all.length };
    });
}

function setup(t: FakeTransport) {
  const restore = new RestoreState(t.client());
  const stop = restore.start();
  render(Restore, { restore });
  return { restore, stop };
}

async function chooseFirstSnapshot() {
  const [first] = await screen.findAllByTestId('snapshot');
  await fireEvent.click(first!);
  await screen.findByTestId('snapshot-items');
}

const summary = (over: Partial<Response<'restoreSnapshot'>> = {}): Response<'restoreSnapshot'> => ({
  to: '/home/ann/Documents', snapshotTime: iso(NOW - 60_000), restored: 2, bytes: 20, skipped: 0,
  keptBoth: [], keptBothCount: 0, failed: [], failedCount: 0, ...over,
});

describe('the Restore view', () => {
  it('lists snapshots with time, device and files changed, and pages to older ones', async () => {
    const t = engine();
    setup(t);
    const rows = await screen.findAllByTestId('snapshot');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('laptop · 1 file changed'),
      expect.stringContaining('device dev-2 · 3 files changed'),
    ]);
    t.on('snapshots', () => ({ snapshots: [{ rootId: 'c'.repeat(32), time: iso(NOW - 2 * 86_400_000), device: 'dev-1', files: 1, bytes: 1, changed: 0 }] }));
    await fireEvent.click(screen.getByTestId('more-snapshots'));
    await waitFor(() => expect(screen.getAllByTestId('snapshot')).toHaveLength(3));
    expect(t.callsOf('snapshots').at(-1)).toEqual({ limit: 30, from: 'c'.repeat(32) });
    expect(screen.queryByTestId('more-snapshots')).toBeNull();
    expect(screen.getAllByTestId('snapshot')[2]!.textContent).toContain('no files changed');
  });

  it('says so when there is nothing yet, and offers Retry when the list fails', async () => {
    setup(new FakeTransport().on('snapshots', () => ({ snapshots: [] })));
    expect(await screen.findByTestId('snapshots-empty')).toBeTruthy();
    const t = new FakeTransport().fail('snapshots', 'store-error', 'bucket unreachable');
    const second = render(Restore, { restore: (() => { const r = new RestoreState(t.client()); r.start(); return r; })() });
    expect((await second.findByTestId('snapshots-error')).textContent).toContain('bucket unreachable');
    engine(t);
    await fireEvent.click(second.getByTestId('snapshots-retry'));
    expect(await second.findAllByTestId('snapshot')).toHaveLength(2);
  });

  it('browses a snapshot folder by folder, marks what was deleted since, searches, and says when nothing matches', async () => {
    const t = engine();
    setup(t);
    await chooseFirstSnapshot();
    // Focus moves to the chosen snapshot's files.
    await waitFor(() => expect(document.activeElement?.id).toBe('files-title'));
    const rows = screen.getAllByTestId('snapshot-item');
    expect(rows.map((r) => r.getAttribute('data-path'))).toEqual(['docs', 'top.txt']);
    expect(rows[1]!.textContent).toContain('deleted since');
    expect(rows[0]!.textContent).toContain('2 files');
    await fireEvent.click(within(rows[0]!).getByTestId('open-folder'));
    await waitFor(() => expect(screen.getAllByTestId('snapshot-item').map((r) => r.getAttribute('data-path'))).toEqual(['docs/a.txt', 'docs/b.txt']));
    expect(t.callsOf('snapshotFolder').at(-1)).toEqual({ rootId: R1, folder: 'docs', offset: 0, limit: 200 });
    expect(screen.getByTestId('crumb').getAttribute('aria-current')).toBe('location');

    await fireEvent.input(screen.getByTestId('snapshot-search'), { target: { value: 'b.txt' } });
    await fireEvent.click(screen.getByTestId('snapshot-search-go'));
    await waitFor(() => expect(screen.getAllByTestId('snapshot-item').map((r) => r.getAttribute('data-path'))).toEqual(['docs/b.txt']));
    expect(t.callsOf('snapshotSearch')).toEqual([{ rootId: R1, query: 'b.txt', offset: 0, limit: 200 }]);
    await fireEvent.input(screen.getByTestId('snapshot-search'), { target: { value: 'zzz' } });
    await fireEvent.click(screen.getByTestId('snapshot-search-go'));
    expect((await screen.findByTestId('items-empty')).textContent).toContain('No match for “zzz”');
    await fireEvent.click(screen.getByTestId('crumb-top'));
    await waitFor(() => expect(screen.getAllByTestId('snapshot-item')).toHaveLength(2));
  });

  it('pages a big folder with Show more instead of asking for all of it', async () => {
    const big = Array.from({ length: 450 }, (_, i) => item(`f${String(i).padStart(3, '0')}.txt`));
    const t = engine().on('snapshotFolder', (req: Request<'snapshotFolder'>) => ({ items: big.slice(req.offset ?? 0, (req.offset ?? 0) + (req.limit ?? 200)), total: big.length }));
    setup(t);
    await chooseFirstSnapshot();
    expect(screen.getAllByTestId('snapshot-item')).toHaveLength(200);
    expect(screen.getByTestId('items-count').textContent).toContain('Showing 200 of 450');
    await fireEvent.click(screen.getByTestId('items-more'));
    await waitFor(() => expect(screen.getAllByTestId('snapshot-item')).toHaveLength(400));
    expect(t.callsOf('snapshotFolder').at(-1)).toEqual({ rootId: R1, folder: '', offset: 200, limit: 200 });
  });

  it('restores the selection to the original location with the conflict choice, shows progress, then the summary', async () => {
    const t = engine();
    const running = t.hang('restoreSnapshot');
    setup(t);
    await chooseFirstSnapshot();
    expect((screen.getByTestId('restore-original') as HTMLButtonElement).disabled).toBe(true);
    const [docs, top] = screen.getAllByTestId('select-item');
    await fireEvent.click(docs!);
    await fireEvent.click(top!);
    expect(screen.getByTestId('selected-count').textContent).toBe('2 selected');
    const opener = screen.getByTestId('restore-original');
    opener.focus();
    await fireEvent.click(opener);
    const dialog = await screen.findByTestId('restore-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    // Focus moves into the dialog; keep both is the default choice.
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));
    expect((screen.getByTestId('existing-keep-both') as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('restore-to')).toBeNull();
    await fireEvent.click(screen.getByTestId('existing-skip'));
    await fireEvent.click(screen.getByTestId('restore-go'));
    expect(screen.queryByTestId('restore-dialog')).toBeNull();
    const [req] = t.callsOf('restoreSnapshot') as Request<'restoreSnapshot'>[];
    expect(req).toMatchObject({ rootId: R1, paths: ['docs', 'top.txt'], existing: 'skip' });
    expect(req).not.toHaveProperty('to');
    expect(typeof req!.timeZone).toBe('string');

    t.emit({ type: 'restore', progress: { done: 1, total: 4, bytes: 10 } });
    await waitFor(() => expect(screen.getByTestId('restore-progress').textContent).toContain('1 of 4 items'));
    running.release(summary({ restored: 1, skipped: 1, failed: [{ path: 'docs/b.txt', reason: 'permission denied' }], failedCount: 1 }));
    const result = await screen.findByTestId('restore-summary');
    expect(screen.getByTestId('summary-restored').textContent).toContain('1 file restored');
    expect(screen.getByTestId('summary-skipped').textContent).toContain('1 skipped');
    expect(screen.getByTestId('summary-failed').textContent).toContain('1 failed');
    expect(screen.getByTestId('summary-failures').textContent).toContain('docs/b.txt: permission denied');
    expect(result).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.id).toBe('restore-result-title'));
    expect(screen.getByTestId('selected-count').textContent).toBe('0 selected');
  });

  it('names the copies kept beside existing files in the summary', async () => {
    const t = engine().on('restoreSnapshot', () => summary({
      restored: 1, keptBoth: [{ path: 'docs/a.txt', restoredAs: 'docs/a (restored 2026-11-27 1159).txt' }], keptBothCount: 1,
    }));
    setup(t);
    await chooseFirstSnapshot();
    await fireEvent.click(screen.getAllByTestId('select-item')[0]!);
    await fireEvent.click(screen.getByTestId('restore-original'));
    await fireEvent.click(await screen.findByTestId('restore-go'));
    expect((await screen.findByTestId('summary-kept-both')).textContent).toContain('1 kept both');
    expect(screen.getByTestId('restore-result').textContent).toContain('docs/a (restored 2026-11-27 1159).txt');
    expect((t.callsOf('restoreSnapshot')[0] as Request<'restoreSnapshot'>).existing).toBe('keep-both');
  });

  it('"Restore to…" asks for a whole folder path before it can run, and sends it', async () => {
    const t = engine().on('restoreSnapshot', (req: Request<'restoreSnapshot'>) => summary({ to: req.to! }));
    setup(t);
    await chooseFirstSnapshot();
    await fireEvent.click(screen.getByTestId('select-all'));
    expect(screen.getByTestId('selected-count').textContent).toBe('2 selected');
    await fireEvent.click(screen.getByTestId('restore-other'));
    const go = (await screen.findByTestId('restore-go')) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('restore-to'), { target: { value: 'relative/dir' } });
    expect(screen.getByTestId('restore-to').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('restore-dialog').textContent).toContain('Give the whole path');
    expect(go.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('restore-to'), { target: { value: '/home/ann/Restored' } });
    await fireEvent.click(screen.getByTestId('existing-overwrite'));
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);
    expect(t.callsOf('restoreSnapshot')[0]).toMatchObject({ paths: ['docs', 'top.txt'], to: '/home/ann/Restored', existing: 'overwrite' });
    expect((await screen.findByTestId('summary-restored')).textContent).toContain('/home/ann/Restored');
  });

  it('the dialog closes on Escape and on Cancel, keeps Tab inside, and returns focus to its opener', async () => {
    const t = engine();
    setup(t);
    await chooseFirstSnapshot();
    await fireEvent.click(screen.getAllByTestId('select-item')[1]!);
    const opener = screen.getByTestId('restore-other');
    opener.focus();
    await fireEvent.click(opener);
    const dialog = await screen.findByTestId('restore-dialog');
    const go = screen.getByTestId('restore-go');
    expect((go as HTMLButtonElement).disabled).toBe(true);
    // The last enabled control is Cancel (Restore is disabled until a folder is typed): Tab wraps to the first.
    screen.getByTestId('restore-cancel').focus();
    await fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByTestId('restore-to'));
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('restore-dialog')).toBeNull());
    expect(document.activeElement).toBe(opener);
    await fireEvent.click(opener);
    await fireEvent.click(await screen.findByTestId('restore-cancel'));
    await waitFor(() => expect(screen.queryByTestId('restore-dialog')).toBeNull());
    expect(t.callsOf('restoreSnapshot')).toEqual([]);
  });

  it('shows a refused restore in words, and nothing as restored', async () => {
    const t = engine().fail('restoreSnapshot', 'invalid-request', 'a restore is already running: wait for it to finish');
    setup(t);
    await chooseFirstSnapshot();
    await fireEvent.click(screen.getAllByTestId('select-item')[0]!);
    await fireEvent.click(screen.getByTestId('restore-original'));
    await fireEvent.click(await screen.findByTestId('restore-go'));
    expect((await screen.findByTestId('restore-error')).textContent).toContain('already running');
    expect(screen.queryByTestId('restore-summary')).toBeNull();
    // The selection is kept for another try.
    expect(screen.getByTestId('selected-count').textContent).toBe('1 selected');
  });

  it('is reachable from the main navigation', async () => {
    const t = engine().on('status', () => status()).on('bytesPerDay', () => []).on('keys', () => [key()])
      .on('history', () => ({ entries: [], total: 0 })).on('conflicts', () => []);
    render(App, { api: t.client() });
    await fireEvent.click(await screen.findByTestId('nav-restore'));
    expect(await screen.findByTestId('view-restore')).toBeTruthy();
    expect(screen.getByTestId('nav-restore').getAttribute('aria-current')).toBe('page');
    expect(await screen.findAllByTestId('snapshot')).toHaveLength(2);
  });
});

describe('the "Restore to…" folder check', () => {
  it('wants a whole path: POSIX, a Windows drive or a share', () => {
    expect(folderProblem('')).toMatch(/Type the folder/);
    expect(folderProblem('docs/out')).toMatch(/whole path/);
    expect(folderProblem('/home/ann/out')).toBeNull();
    expect(folderProblem('C:\\Users\\ann')).toBeNull();
    expect(folderProblem('\\\\server\\share')).toBeNull();
  });
});

describe('the versions panel', () => {
  it('takes focus when it opens, closes on Escape, and gives focus back to what opened it', async () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    let closed = 0;
    const view = render(VersionsPanel, {
      path: 'docs/a.txt', error: null, message: null, onRestore: () => undefined, onClose: () => { closed++; },
      versions: [{ versionId: 'v1', time: iso(NOW), size: 10, hash: 'h', deleted: false, device: 'laptop' }],
    });
    const panel = screen.getByTestId('versions-panel');
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(panel.getAttribute('aria-labelledby')).toBe('versions-title');
    // Focus goes to the panel's heading, which names it (lib/focus.ts takeFocus).
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2 })));
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(closed).toBe(1);
    view.unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
