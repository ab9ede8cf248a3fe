// The tray's one state over every folder the app protects, as plain data: the worst folder decides
// (an error anywhere is an error, then a locked vault, then a pass running, then a pause), and "up to
// date" only when every folder is. tray.ts shows the status this returns.
import type { FolderState, FolderView, VaultStatus } from '../engine/ports/vault-service.ts';

/** Worst first. 'not-configured' (a folder still being added) counts only when nothing else does. */
const RANK: readonly FolderState[] = ['error', 'locked', 'syncing', 'paused', 'up-to-date', 'not-configured'];

export interface OverallState {
  state: FolderState;
  /** The folder that decides the state (the first of the worst); null with no folders. */
  cause: FolderView | null;
  /** How many folders are in that state, of how many. */
  count: number;
  total: number;
}

export function overallState(folders: readonly FolderView[]): OverallState {
  for (const state of RANK) {
    const hit = folders.filter((f) => f.state === state);
    if (hit.length > 0) return { state, cause: hit[0]!, count: hit.length, total: folders.length };
  }
  return { state: 'not-configured', cause: null, count: 0, total: 0 };
}

/**
 * The overall state as the status tray.ts takes (null: no folder set up). The error names the folder
 * that has it, with several folders ("Photos: …", "2 of 3 folders …"); a locked folder is shown as an
 * error saying how to unlock it, until the tray has a locked state of its own.
 */
export function overallTrayStatus(folders: readonly FolderView[]): VaultStatus | null {
  const o = overallState(folders);
  if (o.cause === null) return null;
  const several = o.total > 1;
  const who = several ? (o.count > 1 ? `${o.count} of ${o.total} folders` : o.cause.name) : '';
  const detail = o.state === 'locked'
    ? `${who || 'the vault'} is locked: open Coffer to unlock it`
    : o.state === 'error' ? `${who ? `${who}: ` : ''}${o.cause.error ?? 'sync stopped with an error'}` : undefined;
  return {
    state: o.state === 'locked' ? 'error' : o.state,
    folder: o.cause.folder, remote: '', vaultId: o.cause.vaultId, files: 0, bytes: 0, failures: [],
    ...(detail ? { error: detail } : {}),
  };
}
