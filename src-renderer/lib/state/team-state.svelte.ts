// The Team view's state: members, devices, the key generation and re-encryption progress (live from
// 'reencrypt' events), the invite dialog (which holds the join code until it closes) and removals, which
// the user confirms after reading what revocation cannot do.
import type { ApiClient, InviteResult, ReencryptView, Role, TeamView } from '../api-types.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export interface Removal {
  kind: 'member' | 'device';
  id: string;
  name: string;
}

export interface InviteDraft {
  name: string;
  role: Role;
  /** The member's public identity from `coffer team id`; empty: the code carries a one-time key. */
  publicKey: string;
  expiresDays: number;
}

const freshDraft = (): InviteDraft => ({ name: '', role: 'writer', publicKey: '', expiresDays: 7 });

export class TeamState {
  team = $state<TeamView | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  /** The outcome of the last change (role, removal, re-encryption), shown above the lists. */
  notice = $state<string | null>(null);
  busy = $state(false);
  /** Live re-encryption progress; between runs the figure in `team` is the one shown. */
  live = $state<ReencryptView | null>(null);
  reencrypting = $state(false);
  inviteOpen = $state(false);
  draft = $state<InviteDraft>(freshDraft());
  inviting = $state(false);
  inviteError = $state<string | null>(null);
  /** The join code: kept only while the dialog is open (it may be a secret until used). */
  invited = $state<InviteResult | null>(null);
  copyMessage = $state<string | null>(null);
  removal = $state<Removal | null>(null);
  removalError = $state<string | null>(null);

  progress = $derived(this.live ?? this.team?.reencrypt ?? null);
  me = $derived(this.team?.members.find((m) => m.you) ?? null);
  /** A vault of one owner has no membership yet: its owner may invite. Otherwise admins only. */
  canManage = $derived(this.team !== null && (!this.team.team || this.me?.role === 'admin'));

  constructor(private readonly api: ApiClient) {}

  start(): () => void {
    const stop = this.api.subscribe((event) => {
      if (event.type === 'reencrypt') this.live = event.progress;
      // One event per sync pass: devices' last-seen times and a teammate's changes to membership.
      if (event.type === 'history' && !this.busy) void this.load();
    });
    void this.load();
    return stop;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.team = await this.api.team();
      this.error = null;
    } catch (err) {
      this.error = message(err);
    } finally {
      this.loading = false;
    }
  }

  openInvite(): void {
    this.draft = freshDraft();
    this.invited = null;
    this.inviteError = null;
    this.copyMessage = null;
    this.inviteOpen = true;
  }

  /** Closing drops the join code from memory; the member list shows the invited member. */
  closeInvite(): void {
    this.inviteOpen = false;
    this.invited = null;
    this.copyMessage = null;
    if (this.inviteError === null) void this.load();
  }

  async sendInvite(): Promise<void> {
    const name = this.draft.name.trim();
    if (!name) {
      this.inviteError = 'Enter the name of the person you invite.';
      return;
    }
    this.inviting = true;
    this.inviteError = null;
    try {
      const publicKey = this.draft.publicKey.trim();
      this.invited = await this.api.invite({
        name, role: this.draft.role, expiresDays: this.draft.expiresDays, ...(publicKey ? { publicKey } : {}),
      });
    } catch (err) {
      this.inviteError = message(err);
    } finally {
      this.inviting = false;
    }
  }

  /** The clipboard API first; where the host refuses it, the caller's fallback (select and copy). */
  async copyCode(fallback: () => boolean): Promise<void> {
    if (!this.invited) return;
    try {
      if (!globalThis.navigator?.clipboard) throw new Error('no clipboard');
      await globalThis.navigator.clipboard.writeText(this.invited.code);
      this.copyMessage = 'Copied.';
    } catch {
      this.copyMessage = fallback() ? 'Copied.' : 'Select the code and copy it (Ctrl+C or ⌘C).';
    }
  }

  askRemove(removal: Removal): void {
    this.removal = removal;
    this.removalError = null;
  }

  cancelRemove(): void {
    this.removal = null;
    this.removalError = null;
  }

  async confirmRemove(): Promise<void> {
    const r = this.removal;
    if (!r) return;
    this.busy = true;
    this.removalError = null;
    try {
      this.team = r.kind === 'member' ? await this.api.removeMember({ member: r.id }) : await this.api.removeDevice({ device: r.id });
      this.removal = null;
      this.live = null;
      this.notice = `${r.kind === 'member' ? r.name : `The device ${r.name}`} was removed. New data now uses key generation ${this.team.generation}.`;
    } catch (err) {
      this.removalError = message(err);
    } finally {
      this.busy = false;
    }
  }

  async changeRole(member: string, name: string, role: Role): Promise<void> {
    this.busy = true;
    try {
      this.team = await this.api.setMemberRole({ member, role });
      this.notice = `${name} is now ${role === 'admin' ? 'an admin' : `a ${role}`}.`;
    } catch (err) {
      this.notice = `Role not changed: ${message(err)}`;
      void this.load(); // the select shows the role the member really has
    } finally {
      this.busy = false;
    }
  }

  async reencrypt(): Promise<void> {
    this.reencrypting = true;
    this.notice = null;
    try {
      this.live = await this.api.reencrypt();
      this.notice = `Re-encryption finished: revocation complete: ${percentText(this.live.percent)}.`;
      void this.load();
    } catch (err) {
      this.notice = `Re-encryption stopped: ${message(err)}. Start it again to resume where it stopped.`;
    } finally {
      this.reencrypting = false;
    }
  }
}

/** Whole percent, rounded down: "100 %" only when every object is under the current generation. */
export function percentText(percent: number): string {
  return `${Math.floor(Math.min(100, Math.max(0, percent)))} %`;
}
