// One dispatcher for both hosts (Electron IPC and `coffer ui`): name + raw payload in, IpcEnvelope out.
// It never throws: every failure becomes { ok: false, error: { code, message } }.
import type { z } from 'zod';
import { ApiError, commands, describeIssues, isCommandName, type CommandName, type IpcEnvelope } from './contract.ts';
import { toErrorShape } from './errors.ts';
import type { VaultHost, VaultService } from '../engine/ports/vault-service.ts';

type Req<C extends CommandName> = z.output<(typeof commands)[C]['request']>;

export interface DispatchOptions {
  host: VaultHost;
  /** confirmRecoverySaved: the host may persist that the user saved the kit. */
  onRecoverySaved?: () => Promise<void>;
  /** After createVault, joinVault or joinTeam succeeds: hosts re-attach their event relay to the new service. */
  onVaultCreated?: (service: VaultService) => void;
  /** The desktop app's file dialogs; `coffer ui` has none (the wizard then takes a typed path, a download). */
  dialogs?: HostDialogs;
  /** Absolute paths to hide from error messages (defaults to the app's install directory). */
  internalRoots?: readonly string[];
}

/** File dialogs a host may offer (src-main/app/host-dialogs.ts in Electron). */
export interface HostDialogs {
  /** An absolute folder path, or null when the user cancelled. */
  pickFolder(title?: string): Promise<string | null>;
  /** Asks where to save, writes `text` there readable by the owner alone (0600); null when cancelled. */
  saveSecretFile(suggestedName: string, text: string): Promise<string | null>;
}

export type Dispatch = (command: unknown, payload: unknown) => Promise<IpcEnvelope>;

/** Each command's call into the engine. The mapped type makes a missing command a compile error. */
type Handlers = { [C in CommandName]: (req: Req<C>, ctx: Ctx) => Promise<unknown> };
interface Ctx {
  service(): VaultService;
  opts: DispatchOptions;
}

const handlers: Handlers = {
  status: (_r, c) => c.service().status(),
  syncNow: (r, c) => c.service().syncNow(r),
  pause: (_r, c) => c.service().pause(),
  resume: (_r, c) => c.service().resume(),
  history: (r, c) => c.service().history(r),
  bytesPerDay: (r, c) => c.service().bytesPerDay(r.days, r.utcOffsetMinutes),
  versions: (r, c) => c.service().versions(r.path),
  restoreCopy: (r, c) => c.service().restoreCopy(r.path, r.versionId, { timeZone: r.timeZone }),
  snapshots: (r, c) => c.service().snapshots(r),
  snapshotFolder: (r, c) => c.service().snapshotFolder(r),
  snapshotSearch: (r, c) => c.service().snapshotSearch(r),
  restoreSnapshot: (r, c) => c.service().restoreSnapshot(r),
  keys: (_r, c) => c.service().keys(),
  rotateKey: (r, c) => c.service().rotateKey(r.ref),
  keyUsage: (r, c) => c.service().keyUsage(r.ref),
  scheduleKeyDeletion: (r, c) => c.service().scheduleKeyDeletion(r.ref, r.days, r.force),
  cancelKeyDeletion: (r, c) => c.service().cancelKeyDeletion(r.ref),
  audit: (r, c) => c.service().audit(r),
  settings: (_r, c) => c.service().settings(),
  updateSettings: (r, c) => c.service().updateSettings(r.patch),
  providerView: (_r, c) => c.service().providerView(),
  team: (_r, c) => c.service().team(),
  invite: (r, c) => c.service().invite(r),
  removeMember: (r, c) => c.service().removeMember(r.member),
  setMemberRole: (r, c) => c.service().setMemberRole(r.member, r.role),
  removeDevice: (r, c) => c.service().removeDevice(r.device),
  reencrypt: (_r, c) => c.service().reencrypt(),
  conflicts: (_r, c) => c.service().conflicts(),
  createVault: async (r, c) => {
    assertNoVault(c);
    const { recoveryKey, service } = await c.opts.host.createVault(r);
    c.opts.onVaultCreated?.(service);
    // The recovery kit names the vault and where it is (the status is lenient: it answers while the store fails).
    const { vaultId, remote } = await service.status();
    return { recoveryKey, vaultId, remote };
  },
  joinVault: async (r, c) => {
    assertNoVault(c);
    const { pulled, conflicts, service } = await c.opts.host.joinVault(r);
    c.opts.onVaultCreated?.(service);
    return { pulled, conflicts };
  },
  joinTeam: async (r, c) => {
    assertNoVault(c);
    const { memberId, service } = await c.opts.host.joinTeam(r);
    c.opts.onVaultCreated?.(service);
    return { memberId };
  },
  hostFeatures: async (_r, c) => ({ pickFolder: !!c.opts.dialogs, saveFile: !!c.opts.dialogs }),
  pickFolder: async (r, c) => ({ path: await dialogsOf(c).pickFolder(r.title) }),
  saveRecoveryKit: async (r, c) => ({ path: await dialogsOf(c).saveSecretFile(r.suggestedName, r.text) }),
  checkFolder: (r, c) => c.opts.host.checkFolder(r),
  testDestination: (r, c) => c.opts.host.testDestination(r),
  confirmRecoverySaved: async (_r, c) => {
    await c.opts.onRecoverySaved?.();
  },
  folders: (_r, c) => hostFolders(c).folders(),
  selectFolder: (r, c) => hostFolders(c).selectFolder(r.vaultId),
  unlock: async (r, c) => {
    const { host } = c.opts;
    if (!host.unlock || !host.isLocked?.()) throw new ApiError('invalid-request', 'There is no locked vault to unlock');
    // Unlock first, on its own line: inside `onVaultCreated?.(…)` the call would be skipped when no
    // listener is set (optional calls do not evaluate their arguments).
    const service = await host.unlock(r.passphrase);
    c.opts.onVaultCreated?.(service);
  },
};

function dialogsOf(c: Ctx): HostDialogs {
  if (!c.opts.dialogs) throw new ApiError('not-found', 'This host has no file dialogs: type the path, or download the file');
  return c.opts.dialogs;
}

/**
 * The first-run calls (createVault, joinVault, joinTeam) only run while this app has no vault yet, unless
 * its host keeps several folders ("Add folder…": the host refuses a folder that overlaps another).
 */
function assertNoVault(c: Ctx): void {
  if (c.opts.host.folders) return;
  if (c.opts.host.service() !== null || c.opts.host.isLocked?.()) throw new ApiError('invalid-request', 'A vault is already set up');
}

/** The host's folder calls; a host of one vault has none. */
function hostFolders(c: Ctx): Required<Pick<VaultHost, 'folders' | 'selectFolder'>> {
  const { host } = c.opts;
  if (!host.folders || !host.selectFolder) throw new ApiError('not-found', 'This app keeps one folder');
  return { folders: () => host.folders!(), selectFolder: (id) => host.selectFolder!(id) };
}

export function createDispatcher(opts: DispatchOptions): Dispatch {
  const ctx: Ctx = {
    opts,
    service() {
      const svc = opts.host.service();
      const failed = svc === null ? opts.host.selectedError?.() : null;
      if (failed) throw failed;
      if (svc === null && opts.host.isLocked?.()) throw new ApiError('key-unavailable', 'The vault is locked: enter its passphrase to unlock it');
      if (svc === null) throw new ApiError('not-configured', 'No vault is set up yet: finish the first-run setup');
      return svc;
    },
  };
  return async (command, payload) => {
    try {
      if (!isCommandName(command)) {
        throw new ApiError('not-found', `Unknown command: ${typeof command === 'string' ? command.slice(0, 64) : typeof command}`);
      }
      return { ok: true, value: await run(command, payload, ctx) };
    } catch (err) {
      return { ok: false, error: toErrorShape(err, opts.internalRoots) };
    }
  };
}

async function run<C extends CommandName>(command: C, payload: unknown, ctx: Ctx): Promise<unknown> {
  const spec = commands[command];
  // An absent payload means "no arguments"; anything else must match the schema exactly.
  const req = spec.request.safeParse(payload === undefined ? {} : payload);
  if (!req.success) throw new ApiError('invalid-request', `${command}: ${describeIssues(req.error)}`);
  const handler = handlers[command] as (r: unknown, c: Ctx) => Promise<unknown>;
  const raw = await handler(req.data, ctx);
  // Shape the result: unknown fields are stripped, and a result that breaks the contract never crosses.
  const res = spec.response.safeParse(raw);
  if (!res.success) throw new ApiError('internal', `${command}: the engine returned an unexpected result`);
  return res.data;
}
