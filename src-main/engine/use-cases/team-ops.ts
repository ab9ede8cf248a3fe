// PLACEHOLDER (helper app): replaced by the real module at merge
// Only the signatures the app side calls (DESIGN-9 "Public use-case API", helper B); no logic here.
import type { InviteRequest, InviteResult, ReencryptView, Role, TeamView } from '../ports/team.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import type { OpenVault } from './vault-ops.ts';

const PLACEHOLDER = 'placeholder: replaced when merged';

export function teamView(_vault: OpenVault): Promise<TeamView> {
  throw new Error(PLACEHOLDER);
}

export function inviteMember(_vault: OpenVault, _req: InviteRequest): Promise<InviteResult> {
  throw new Error(PLACEHOLDER);
}

export function joinTeam(_env: VaultEnv, _req: { code: string; folder: string; deviceName?: string; identityRef?: string }): Promise<{ vault: OpenVault; memberId: string }> {
  throw new Error(PLACEHOLDER);
}

export function removeMember(_vault: OpenVault, _nameOrId: string): Promise<unknown> {
  throw new Error(PLACEHOLDER);
}

export function setMemberRole(_vault: OpenVault, _nameOrId: string, _role: Role): Promise<unknown> {
  throw new Error(PLACEHOLDER);
}

export function removeDevice(_vault: OpenVault, _nameOrId: string): Promise<unknown> {
  throw new Error(PLACEHOLDER);
}

export function reencryptTeam(_vault: OpenVault, _opts: { onProgress?: (p: ReencryptView) => void }): Promise<ReencryptView> {
  throw new Error(PLACEHOLDER);
}
