import type { ObjectContext, ObjectKind } from '../ports/sealer.ts';
import { CHUNKING_KEY, DEVICES_PREFIX, HEAD_KEY, MEMBERSHIP_PREFIX, SSE_C_KEY, objectKey } from './object-keys.ts';

/**
 * One sealed object of a vault, named by its kind and its id. From these two alone follow its key in
 * the bucket and the encryption context it is sealed under, so no caller builds either by hand.
 *
 * - 'data', 'pack', 'manifest', 'root': a random id (object-id.ts), stored at objects/<id[0:2]>/<id>;
 * - 'head': the one head, id 'head', at `head`;
 * - 'keyslot': the SSE-C customer key, id 'sse-c', at `keys/sse-c`, and the chunking secret, id
 *   'chunking', at `keys/chunking` (the other key slots are not sealed objects: engine/keys/ seals them
 *   under the slot secret with their own context);
 * - 'device': a device record, id the device id, at `devices/<id>` (deviceRef).
 */
export interface ObjectRef {
  readonly kind: ObjectKind;
  readonly id: string;
}

/** The kinds stored under a fresh random id. */
export type RandomIdKind = 'data' | 'pack' | 'manifest' | 'root';

export const HEAD: ObjectRef = Object.freeze({ kind: 'head', id: 'head' });
export const SSE_C: ObjectRef = Object.freeze({ kind: 'keyslot', id: 'sse-c' });
export const CHUNKING: ObjectRef = Object.freeze({ kind: 'keyslot', id: 'chunking' });

/** One version of the team's membership document, at team/m/<version, 8 digits> (docs/FORMAT.md §Team). */
export function membershipRef(version: number): ObjectRef {
  if (!Number.isInteger(version) || version < 1 || version > 99_999_999) throw new Error(`no membership version ${version}`);
  return { kind: 'membership', id: String(version).padStart(8, '0') };
}

export function objectRef(kind: RandomIdKind, id: string): ObjectRef {
  return { kind, id };
}

/** Device ids are chosen by the device (16 hex digits today); they must stay one safe key segment. */
const DEVICE_ID = /^[0-9A-Za-z_-]{1,64}$/;

export function deviceRef(deviceId: string): ObjectRef {
  if (!DEVICE_ID.test(deviceId)) throw new Error(`not a device id: ${JSON.stringify(deviceId)}`);
  return { kind: 'device', id: deviceId };
}

/** The object's key in the bucket; a head or key-slot ref that is not HEAD, SSE_C or CHUNKING is a programming error. */
export function keyOf(ref: ObjectRef): string {
  switch (ref.kind) {
    case 'head':
      if (ref.id !== HEAD.id) throw new Error(`no head object named ${JSON.stringify(ref.id)}`);
      return HEAD_KEY;
    case 'keyslot':
      if (ref.id === SSE_C.id) return SSE_C_KEY;
      if (ref.id === CHUNKING.id) return CHUNKING_KEY;
      throw new Error(`no sealed key slot named ${JSON.stringify(ref.id)}`);
    case 'device':
      if (!DEVICE_ID.test(ref.id)) throw new Error(`not a device id: ${JSON.stringify(ref.id)}`);
      return `${DEVICES_PREFIX}${ref.id}`;
    case 'membership':
      if (!/^[0-9]{8}$/.test(ref.id)) throw new Error(`no membership version named ${JSON.stringify(ref.id)}`);
      return `${MEMBERSHIP_PREFIX}${ref.id}`;
    default:
      return objectKey(ref.id);
  }
}

/**
 * What the object is bound to (the Sealer turns it into the message's coffer:vault, coffer:object and
 * coffer:kind pairs, crypto/encryption-context.ts): opened under any other ref, it is refused. The pairs
 * are in the message header in clear, so whoever reads the bucket learns each object's kind from it.
 */
export function contextOf(vaultId: string, ref: ObjectRef): ObjectContext {
  return { vaultId, objectId: ref.id, kind: ref.kind };
}
