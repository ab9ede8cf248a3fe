import type { KeyMetadata, RotationsListEntry } from '@aws-sdk/client-kms';
import type { KeyStatus, KeyVersionInfo } from '../../ports/key-provider.ts';
import type { KmsApi } from './kms-client.ts';
import { KmsKeyError } from './kms-errors.ts';

/** AWS applies this period when rotation is enabled without one. */
export const DEFAULT_ROTATION_DAYS = 365;

/** Every rotation of the key, oldest first (ListKeyRotations pages through them). */
export async function listRotations(api: KmsApi, keyId: string): Promise<RotationsListEntry[]> {
  const out: RotationsListEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await api.listKeyRotations({ KeyId: keyId, ...(marker ? { Marker: marker } : {}) });
    out.push(...(page.Rotations ?? []));
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return out.sort((a, b) => (a.RotationDate?.getTime() ?? 0) - (b.RotationDate?.getTime() ?? 0));
}

/**
 * DescribeKey + GetKeyRotationStatus + ListKeyRotations as a KeyStatus. Version 1 is the key's
 * original material; each rotation adds one. KMS keeps every version, so all stay usable for
 * unwrapping and only the newest wraps.
 *
 * Never throws for an ordinary state: a missing key reads 'missing', a refused or unreachable KMS
 * reads 'error', each with a plain detail.
 */
export async function kmsStatus(api: KmsApi, ref: string, keyId: string): Promise<KeyStatus> {
  const base = { ref, provider: 'aws-kms' as const, type: 'aes-256' as const, versions: [] as KeyVersionInfo[] };
  let md: KeyMetadata | undefined;
  try {
    md = (await api.describeKey({ KeyId: keyId })).KeyMetadata;
  } catch (err) {
    if (!(err instanceof KmsKeyError)) throw err;
    return { ...base, state: err.problem === 'not-found' ? 'missing' : 'error', detail: err.message };
  }
  if (!md) return { ...base, state: 'error', detail: 'KMS returned no key metadata' };
  const state = stateOf(md.KeyState);
  const status: KeyStatus = { ...base, state };
  if (state === 'disabled') status.detail = `the KMS key ${keyId} is disabled: enable it in AWS KMS to use it again`;
  if (state === 'pending-deletion') {
    status.detail = `the KMS key ${keyId} is pending deletion on ${md.DeletionDate?.toISOString() ?? 'a set date'}: ` +
      'cancel the deletion to use it again';
    if (md.DeletionDate) status.deletionDate = md.DeletionDate.toISOString();
  }
  if (state === 'error') status.detail = `the KMS key ${keyId} is in state ${md.KeyState}`;

  // Rotation calls may be refused (pending deletion, narrow IAM policy); the rest of the status stands.
  const rotations = await listRotations(api, keyId).catch(() => [] as RotationsListEntry[]);
  const created = md.CreationDate?.toISOString() ?? new Date(0).toISOString();
  const dates = [created, ...rotations.map((r) => r.RotationDate?.toISOString() ?? created)];
  status.versions = dates.map((createdAt, i) => ({ version: i + 1, createdAt, current: i === dates.length - 1 }));

  const rot = await api.getKeyRotationStatus({ KeyId: keyId }).catch(() => undefined);
  if (rot) {
    status.rotation = {
      enabled: rot.KeyRotationEnabled ?? false,
      periodDays: rot.RotationPeriodInDays ?? DEFAULT_ROTATION_DAYS,
      ...(rotations.length ? { lastRotated: dates[dates.length - 1] } : {}),
      ...(rot.KeyRotationEnabled && rot.NextRotationDate ? { nextRotation: rot.NextRotationDate.toISOString() } : {}),
    };
  }
  return status;
}

function stateOf(s: string | undefined): KeyStatus['state'] {
  switch (s) {
    case 'Enabled': return 'enabled';
    case 'Disabled': return 'disabled';
    case 'PendingDeletion': return 'pending-deletion';
    default: return 'error';
  }
}
