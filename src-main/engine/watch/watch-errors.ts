import type { ChangeHint } from '../ports/change-source.ts';

/**
 * Maps a watcher error to hints. Every error also yields 'overflow': some change may have gone unseen,
 * so the consumer rescans everything. The detail is written for a person reading the status screen.
 */
export function hintsForWatchError(err: unknown): ChangeHint[] {
  const e = err as NodeJS.ErrnoException;
  const where = typeof e?.path === 'string' ? ` at ${e.path}` : '';
  let detail: string;
  switch (e?.code) {
    case 'ENOSPC':
      detail =
        `The system limit on watched folders was reached${where} (inotify max_user_watches), so some folders ` +
        'are not watched. Changes there are still found by the periodic full rescan, only later. To raise ' +
        'the limit: sysctl fs.inotify.max_user_watches=524288 (persist it in /etc/sysctl.d/).';
      break;
    case 'EMFILE':
      detail =
        `Too many open files while watching${where}. Changes are still found by the periodic full rescan. ` +
        'Raise the open-file limit (ulimit -n) or fs.inotify.max_user_instances.';
      break;
    default:
      detail = `Watcher error${where}: ${e?.message ?? String(err)}. A full rescan follows.`;
  }
  return [{ kind: 'error', path: '', detail }, { kind: 'overflow', path: '', detail }];
}
