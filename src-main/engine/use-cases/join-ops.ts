// PLACEHOLDER (helper app): replaced by the real module at merge
// Only the signatures the app side calls (DESIGN-9 "Public use-case API", helper A); no logic here.
import type { ConflictView } from '../ports/team.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import type { OpenVault } from './vault-ops.ts';

const PLACEHOLDER = 'placeholder: replaced when merged';

export interface JoinRequest {
  folder: string;
  remote: string;
  endpoint?: string;
  profile?: string;
  allowHttp?: boolean;
  keyRef?: string;
  recoveryKey?: string;
  /** Where this device keeps the key, default the keyRef. */
  saveKeyRef?: string;
  deviceName?: string;
}

export function joinVault(_env: VaultEnv, _req: JoinRequest): Promise<{ vault: OpenVault; pulled: number; conflicts: ConflictView[] }> {
  throw new Error(PLACEHOLDER);
}

export function vaultConflicts(_vault: OpenVault, _limit?: number): Promise<ConflictView[]> {
  throw new Error(PLACEHOLDER);
}
