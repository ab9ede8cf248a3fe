import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { NotFoundError, StoreError } from '../ports/store-errors.ts';
import { bufferBody } from '../store/body.ts';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { deviceRef } from '../objects/object-ref.ts';
import { DEVICES_PREFIX } from '../objects/object-keys.ts';
import { readDoc, sealDoc } from '../manifest/sealed-doc.ts';
import type { ReadableVault } from './readable-vault.ts';
import type { LocalVault } from './local-vault.ts';

/**
 * Device records (docs/FORMAT.md §Devices): `devices/<deviceId>`, one sealed object per device, written
 * create-only by the device itself (at init, at join, and by a v1 vault's first sync), so other devices
 * can show a name instead of an id. Only the name, the member it belongs to and the creation time are
 * stored; "last seen" is read from the roots, which every commit writes anyway.
 */
export const DeviceRecordSchema = z.strictObject({
  format: z.literal('coffer-device'),
  v: z.literal(1),
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  /** The member id; null in a vault without a team (the owner's device). */
  member: z.string().min(1).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type DeviceRecord = z.infer<typeof DeviceRecordSchema>;

/** The local mark that this device's record is in the bucket, so a pass costs no request to know it. */
const MARK = 'device-record.json';

function objectsOf(vault: ReadableVault): SealedObjects {
  return new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
}

/** A name people recognise: the host name, trimmed to what the record holds. */
function defaultName(): string {
  return (hostname().trim() || 'this computer').slice(0, 200);
}

/**
 * Writes this device's record, create-only. A record already there under its id is kept and returned (an
 * earlier try that landed unheard, or a record written before): a device never rewrites its record.
 */
export async function writeDeviceRecord(vault: LocalVault, opts: { name?: string; member?: string | null } = {}): Promise<DeviceRecord> {
  const ref = deviceRef(vault.settings.deviceId);
  const record: DeviceRecord = DeviceRecordSchema.parse({
    format: 'coffer-device', v: 1, id: ref.id, name: (opts.name?.trim() || defaultName()).slice(0, 200),
    member: opts.member ?? null, createdAt: new Date(vault.clock.now()).toISOString(),
  });
  const objects = objectsOf(vault);
  const { outcome } = await objects.putNew(ref, bufferBody(await sealDoc(objects, ref, record)));
  const stored = outcome === 'taken' ? await readDoc(objects, ref, DeviceRecordSchema) : record;
  await markWritten(vault);
  return stored;
}

/**
 * Makes sure this device's record is in the bucket: free once the local mark says so; otherwise one HEAD,
 * and the record written when it is missing (a vault made before device records, or an init whose
 * write failed). Maintenance runs it after each pass.
 */
export async function ensureDeviceRecord(vault: LocalVault): Promise<void> {
  if (await isMarked(vault)) return;
  const ref = deviceRef(vault.settings.deviceId);
  if (await objectsOf(vault).head(ref)) await markWritten(vault);
  else await writeDeviceRecord(vault);
}

/**
 * Every device record in the bucket, oldest first. An object under devices/ that does not open under its
 * own id (not sealed with this vault's key, or moved from another id) or does not parse is not a record
 * of this vault and is left out, as is one that vanished meanwhile.
 */
export async function readDeviceRecords(vault: ReadableVault): Promise<DeviceRecord[]> {
  const objects = objectsOf(vault);
  const out: DeviceRecord[] = [];
  for await (const info of vault.store.list(DEVICES_PREFIX)) {
    let ref;
    try {
      ref = deviceRef(info.key.slice(DEVICES_PREFIX.length));
    } catch {
      continue;
    }
    try {
      const rec = await readDoc(objects, ref, DeviceRecordSchema);
      if (rec.id === ref.id) out.push(rec);
    } catch (err) {
      // The store failing is not a verdict on the record: only bad bytes (and a vanished key) are skipped.
      if (err instanceof StoreError && !(err instanceof NotFoundError)) throw err;
      continue;
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** How many roots "last seen" walks back from the head at most: a bounded cost however long the history. */
export const LAST_SEEN_ROOTS = 500;

/**
 * When each device last committed, as far as the newest `maxRoots` roots tell (newest first from the
 * head): device id → the time of its newest root. A device whose commits are all older is absent.
 */
export async function devicesLastSeen(vault: ReadableVault, maxRoots = LAST_SEEN_ROOTS): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const head = await vault.checkedHead('list devices');
  if (!head) return seen;
  let n = 0;
  for await (const root of vault.manifest.roots(head.head.rootId)) {
    if (!seen.has(root.device)) seen.set(root.device, root.time);
    if (++n >= maxRoots) break;
  }
  return seen;
}

async function isMarked(vault: LocalVault): Promise<boolean> {
  try {
    const mark = JSON.parse(await readFile(join(vault.paths.dir, MARK), 'utf8')) as { id?: unknown };
    return mark.id === vault.settings.deviceId;
  } catch {
    return false;
  }
}

async function markWritten(vault: LocalVault): Promise<void> {
  await writeFileAtomic(join(vault.paths.dir, MARK), JSON.stringify({ id: vault.settings.deviceId }));
}
