// A VaultHost whose service answers from plain data and records calls; errors can be queued per method.
import type { VaultEvent, VaultHost, VaultService, VaultStatus } from '../../src-main/engine/ports/vault-service.ts';
import type { KeyStatus } from '../../src-main/engine/ports/key-provider.ts';
import type { TeamView } from '../../src-main/engine/ports/team.ts';

export interface FakeHost extends VaultHost {
  calls: { method: string; args: unknown[] }[];
  /** The next call to `method` throws `err`. */
  failNext(method: keyof VaultService, err: unknown): void;
  /** Replace a method's result (for shaping tests). */
  override(method: keyof VaultService, fn: (...args: unknown[]) => Promise<unknown>): void;
  emit(event: VaultEvent | Record<string, unknown>): void;
  closed: boolean;
}

export const sampleStatus = (): VaultStatus => ({
  state: 'up-to-date', folder: '/home/ann/Documents', remote: 's3://bucket/docs', vaultId: 'v-1',
  lastSync: '2026-01-01T00:00:00.000Z', files: 3, bytes: 1234, failures: [],
});

export const sampleKey = (ref = 'keychain:work'): KeyStatus => ({
  ref, provider: 'keychain', type: 'aes-256', state: 'enabled',
  versions: [{ version: 1, createdAt: '2026-01-01T00:00:00.000Z', current: true }],
  rotation: { enabled: true, periodDays: 90, nextRotation: '2026-04-01T00:00:00.000Z' },
});

export const sampleTeam = (): TeamView => ({
  team: true, membershipVersion: 3, generation: 2,
  members: [
    { id: 'm-ann', name: 'Ann', role: 'admin', status: 'active', addedAt: '2026-01-01T00:00:00.000Z', you: true },
    { id: 'm-bea', name: 'Bea', role: 'writer', status: 'invited', addedAt: '2026-01-02T00:00:00.000Z', addedBy: 'm-ann', you: false },
  ],
  devices: [{ id: 'd-1', name: 'ann-laptop', member: 'm-ann', memberName: 'Ann', createdAt: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-03T00:00:00.000Z', removed: false, you: true }],
  reencrypt: { generation: 2, percent: 100, objectsTotal: 10, objectsDone: 10 },
  revocationNote: 'A former member keeps what they already downloaded.',
});

export function fakeHost(opts: { configured?: boolean } = {}): FakeHost {
  const calls: FakeHost['calls'] = [];
  const failures = new Map<string, unknown>();
  const overrides = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const listeners = new Set<(e: VaultEvent) => void>();
  const base: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    status: async () => sampleStatus(),
    syncNow: async () => ({ uploaded: 1, deleted: 0, renamed: 0, skipped: 0, errors: 0, bytes: 10, state: 'up-to-date' }),
    pause: async () => undefined,
    resume: async () => undefined,
    history: async () => ({ entries: [{ time: '2026-01-01T00:00:00.000Z', action: 'upload', path: 'a.txt', size: 3 }], total: 1 }),
    bytesPerDay: async (days) => Array.from({ length: days as number }, (_, i) => ({ day: `2026-01-${String(i + 1).padStart(2, '0')}`, bytes: i })),
    versions: async () => [],
    restoreCopy: async (p) => ({ restoredPath: `${String(p)} (restored)` }),
    keys: async () => [sampleKey()],
    rotateKey: async (ref) => sampleKey(ref as string),
    keyUsage: async (ref) => ({ ref, byVersion: [] }),
    scheduleKeyDeletion: async (ref) => ({ ...sampleKey(ref as string), state: 'pending-deletion', deletionDate: '2026-02-01T00:00:00.000Z' }),
    cancelKeyDeletion: async (ref) => sampleKey(ref as string),
    audit: async () => ({ entries: [], verified: true, total: 0 }),
    settings: async () => ({ folder: '/f', ignoreRules: '', remote: 's3://b', sse: 'none', bandwidthLimitKiBps: 0, retentionDays: 30, rotationPeriodDays: 90, launchAtLogin: false, padding: 'off' }),
    updateSettings: async (patch) => ({ folder: '/f', ignoreRules: '', remote: 's3://b', sse: 'none', bandwidthLimitKiBps: 0, retentionDays: 30, rotationPeriodDays: 90, launchAtLogin: false, padding: 'off', ...(patch as object) }),
    providerView: async () => ({ reveals: [{ fact: 'object count', value: '3' }], hides: ['file names'] }),
    team: async () => sampleTeam(),
    invite: async () => ({ code: 'coffer-join1:eyJ2IjoxfQ.c2ln', memberId: 'm-bea', expiresAt: '2026-01-09T00:00:00.000Z' }),
    removeMember: async () => sampleTeam(),
    setMemberRole: async () => sampleTeam(),
    removeDevice: async () => sampleTeam(),
    reencrypt: async () => sampleTeam().reencrypt,
    conflicts: async () => [{ path: 'a.txt', copyPath: 'a (conflict – Bea – bea-pc – 2026-01-02 1030).txt', memberName: 'Bea', deviceName: 'bea-pc', time: '2026-01-02T10:30:00.000Z' }],
  };
  const service = new Proxy({} as VaultService, {
    get(_t, prop: string) {
      if (prop === 'subscribe') {
        return (l: (e: VaultEvent) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        };
      }
      return async (...args: unknown[]) => {
        calls.push({ method: prop, args });
        if (failures.has(prop)) {
          const err = failures.get(prop);
          failures.delete(prop);
          throw err;
        }
        const fn = overrides.get(prop) ?? base[prop];
        if (!fn) throw new Error(`fake: no method ${prop}`);
        return fn(...args);
      };
    },
  });
  let configured = opts.configured ?? true;
  const host: FakeHost = {
    calls,
    closed: false,
    service: () => (configured ? service : null),
    async createVault(req) {
      calls.push({ method: 'createVault', args: [req] });
      configured = true;
      return { recoveryKey: 'RECOVERY-KEY-1234', service };
    },
    async joinVault(req) {
      calls.push({ method: 'joinVault', args: [req] });
      configured = true;
      return { pulled: 4, conflicts: [], service };
    },
    async joinTeam(req) {
      calls.push({ method: 'joinTeam', args: [req] });
      configured = true;
      return { memberId: 'm-bea', service };
    },
    async checkFolder(req) {
      calls.push({ method: 'checkFolder', args: [req] });
      return { ok: true, folder: req.folder };
    },
    async testDestination(req) {
      calls.push({ method: 'testDestination', args: [req] });
      return { ok: true, message: `Connected to ${req.remote}` };
    },
    async close() {
      host.closed = true;
    },
    failNext: (m, err) => failures.set(m, err),
    override: (m, fn) => overrides.set(m, fn),
    emit: (e) => {
      for (const l of listeners) l(e as VaultEvent);
    },
  };
  return host;
}
