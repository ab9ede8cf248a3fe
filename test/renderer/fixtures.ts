// Contract-shaped sample data for the component tests.
import type { Response } from '../../src-main/ipc/contract.ts';

type Status = Response<'status'>;
type Key = Response<'keys'>[number];
type Entry = Response<'history'>['entries'][number];

export const NOW = Date.parse('2026-11-27T12:00:00Z');
const day = 86_400_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export function status(over: Partial<Status> = {}): Status {
  return {
    state: 'up-to-date', folder: '/home/ann/Documents', remote: 's3://ann-vault/docs', vaultId: 'v-1',
    lastSync: iso(NOW - 60_000), files: 1234, bytes: 5 * 1024 ** 3, failures: [], ...over,
  };
}

export function key(over: Partial<Key> = {}): Key {
  return {
    ref: 'keychain:work', provider: 'keychain', type: 'aes-256', state: 'enabled',
    versions: [
      { version: 1, createdAt: iso(NOW - 200 * day), current: false },
      { version: 2, createdAt: iso(NOW - 20 * day), current: true },
    ],
    rotation: { enabled: true, periodDays: 90, lastRotated: iso(NOW - 20 * day), nextRotation: iso(NOW + 70 * day) },
    ...over,
  };
}

const ACTIONS: Entry['action'][] = ['upload', 'upload', 'upload', 'delete', 'error', 'rename'];

/** Entry i of a synthetic newest-first history: computed, so 100,000 entries cost nothing until asked. */
export function historyEntry(i: number): Entry {
  const action = ACTIONS[i % ACTIONS.length] ?? 'upload';
  return {
    time: iso(NOW - i * 1000), action, path: `dir${i % 50}/file-${i}.txt`,
    ...(action === 'upload' ? { size: 1000 + i } : {}),
    ...(action === 'error' ? { reason: 'S3 answered 503' } : {}),
  };
}

/** A history handler over n synthetic entries that honours offset, limit, actions and pathContains. */
export function historyHandler(n: number) {
  return (q: { offset?: number; limit?: number; actions?: Entry['action'][]; pathContains?: string }) => {
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    if (!q.actions && !q.pathContains) {
      const entries = [];
      for (let i = offset; i < Math.min(n, offset + limit); i++) entries.push(historyEntry(i));
      return { entries, total: n };
    }
    const all = Array.from({ length: n }, (_, i) => historyEntry(i)).filter(
      (e) => (!q.actions || q.actions.includes(e.action)) && (!q.pathContains || (e.path ?? '').includes(q.pathContains)),
    );
    return { entries: all.slice(offset, offset + limit), total: all.length };
  };
}

type Team = Response<'team'>;

/** A team of three: Ann (this client, admin), Bea (writer), Cem (invited reader); two devices. */
export function team(over: Partial<Team> = {}): Team {
  return {
    team: true, membershipVersion: 4, generation: 2,
    members: [
      { id: 'm-ann', name: 'Ann', role: 'admin', status: 'active', addedAt: iso(NOW - 30 * day), you: true },
      { id: 'm-bea', name: 'Bea', role: 'writer', status: 'active', addedAt: iso(NOW - 20 * day), addedBy: 'm-ann', you: false },
      { id: 'm-cem', name: 'Cem', role: 'reader', status: 'invited', addedAt: iso(NOW - day), addedBy: 'm-ann', you: false },
    ],
    devices: [
      { id: 'd-ann1', name: 'ann-laptop', member: 'm-ann', memberName: 'Ann', createdAt: iso(NOW - 30 * day), lastSeen: iso(NOW - 60_000), removed: false, you: true },
      { id: 'd-bea1', name: 'bea-studio', member: 'm-bea', memberName: 'Bea', createdAt: iso(NOW - 19 * day), removed: false, you: false },
    ],
    reencrypt: { generation: 2, percent: 100, objectsTotal: 40, objectsDone: 40 },
    revocationNote: 'Revocation protects what is written from now on. A former member keeps what they already downloaded.',
    ...over,
  };
}
