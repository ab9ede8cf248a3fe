/**
 * Devices and teams on one bucket: the shapes every layer agrees on (engine team/ and sync/, the CLI,
 * the IPC contract, the renderer's Team view). docs/TEAMS.md explains them to users, docs/FORMAT.md §Team
 * to other implementations. Nothing here carries key material.
 */
export type Role = 'reader' | 'writer' | 'admin';

export interface MemberView {
  id: string;
  name: string;
  role: Role;
  /** 'invited': a join code was issued and not used yet; 'removed': kept so history still shows the name. */
  status: 'active' | 'invited' | 'removed';
  addedAt: string;
  addedBy?: string;
  removedAt?: string;
  /** The member is this client. */
  you: boolean;
}

export interface DeviceView {
  id: string;
  name: string;
  /** The member the device belongs to. */
  member: string;
  memberName: string;
  createdAt: string;
  /** Time of this device's newest commit the client knows of, if any. */
  lastSeen?: string;
  removed: boolean;
  /** This machine. */
  you: boolean;
}

export interface ReencryptView {
  /** Key generation all data should be under. */
  generation: number;
  /** Share of stored objects already under `generation`, 0..100 ("revocation complete: N %"). */
  percent: number;
  objectsTotal: number;
  objectsDone: number;
}

export interface TeamView {
  /** false: a vault of one owner that never invited anyone (its devices are still listed). */
  team: boolean;
  /** The membership document version this client verified (0 when there is none yet). */
  membershipVersion: number;
  /** The key generation new data is written under. */
  generation: number;
  members: MemberView[];
  devices: DeviceView[];
  reencrypt: ReencryptView;
  /** What revocation cannot do, in words the UI shows as it is. */
  revocationNote: string;
}

export interface InviteRequest {
  name: string;
  role: Role;
  /** The member's public identity (`coffer team id` on their machine); without it the code carries a one-time key. */
  publicKey?: string;
  /** Days the join code stays valid (default 7). */
  expiresDays?: number;
}

export interface InviteResult {
  code: string;
  memberId: string;
  expiresAt: string;
}

/** A conflict copy a pull or merge wrote: both versions stay in the vault's history. */
export interface ConflictView {
  /** The path that kept the name (the later commit). */
  path: string;
  /** Where the other version was written. */
  copyPath: string;
  memberName: string;
  deviceName: string;
  time: string;
}
