import { randomBytes } from 'node:crypto';
import { KmsFault, invalid } from './kms-fault.ts';
import type { Caller, KeyStore, TestKey } from './key-store.ts';

type Req = Record<string, unknown>;
export type Operation = (store: KeyStore, req: Req, caller: Caller) => Req;

/** JSON 1.1 timestamps are epoch seconds. */
const secs = (ms: number): number => ms / 1000;

function metadata(store: KeyStore, k: TestKey): Req {
  return {
    AWSAccountId: store.account, KeyId: k.id, Arn: k.arn, CreationDate: secs(k.createdAt),
    Enabled: k.state === 'Enabled', Description: k.description, KeyUsage: 'ENCRYPT_DECRYPT', KeyState: k.state,
    Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
    ...(k.deletionDate !== undefined ? { DeletionDate: secs(k.deletionDate), PendingDeletionWindowInDays: k.pendingWindowDays } : {}),
  };
}

function context(req: Req, field = 'EncryptionContext'): Record<string, string> {
  const c = req[field] ?? {};
  if (typeof c !== 'object' || c === null || Object.values(c).some((v) => typeof v !== 'string')) {
    throw invalid(field, JSON.stringify(c), 'Member must be a map of strings');
  }
  return c as Record<string, string>;
}

function blob(req: Req, field: string, max: number): Buffer {
  const v = req[field];
  const b = typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.alloc(0);
  if (b.length < 1 || b.length > max) throw invalid(field, `${b.length} bytes`, `Member must have length between 1 and ${max}`);
  return b;
}

function intIn(req: Req, field: string, min: number, max: number, dflt?: number): number {
  const v = req[field] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(field.charAt(0).toLowerCase() + field.slice(1), v, `Member must have value between ${min} and ${max}`);
  }
  return v;
}

const DAY = 86_400_000;
const b64 = (b: Buffer): string => b.toString('base64');

export const operations: Record<string, Operation> = {
  CreateKey(store, req) {
    if ((req.KeySpec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' || (req.KeyUsage ?? 'ENCRYPT_DECRYPT') !== 'ENCRYPT_DECRYPT') {
      throw new KmsFault('UnsupportedOperationException', 'this test server only has symmetric encryption keys');
    }
    return { KeyMetadata: metadata(store, store.create(String(req.Description ?? ''))) };
  },
  CreateAlias(store, req, caller) {
    const name = String(req.AliasName ?? '');
    if (!/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(name) || name.startsWith('alias/aws/')) throw invalid('aliasName', name, 'Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$');
    if (store.aliases.has(name)) throw new KmsFault('AlreadyExistsException', `An alias with the name ${store.aliasArn(name)} already exists`);
    if (String(req.TargetKeyId).includes('alias/')) throw invalid('targetKeyId', req.TargetKeyId, 'Member must be a key id or key ARN');
    store.aliases.set(name, store.resolve(req.TargetKeyId, caller, 'CreateAlias').id);
    return {};
  },
  DescribeKey: (store, req, caller) => ({ KeyMetadata: metadata(store, store.resolve(req.KeyId, caller, 'DescribeKey')) }),
  ListKeys: (store) => ({ Keys: [...store.keys.values()].map((k) => ({ KeyId: k.id, KeyArn: k.arn })), Truncated: false }),
  ListAliases: (store) => ({
    Aliases: [...store.aliases].map(([a, id]) => ({ AliasName: a, AliasArn: store.aliasArn(a), TargetKeyId: id })),
    Truncated: false,
  }),

  GenerateDataKey(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'GenerateDataKey');
    let n: number;
    if (req.NumberOfBytes !== undefined) n = intIn(req, 'NumberOfBytes', 1, 1024);
    else if (req.KeySpec === 'AES_256' || req.KeySpec === 'AES_128') n = req.KeySpec === 'AES_256' ? 32 : 16;
    else throw new KmsFault('ValidationException', 'Please specify either number of bytes or key spec.');
    store.requireEnabled(key);
    const plaintext = randomBytes(n);
    return { KeyId: key.arn, Plaintext: b64(plaintext), CiphertextBlob: b64(store.seal(key, plaintext, context(req))) };
  },
  Encrypt(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'Encrypt');
    const plaintext = blob(req, 'Plaintext', 4096);
    store.requireEnabled(key);
    return { KeyId: key.arn, CiphertextBlob: b64(store.seal(key, plaintext, context(req))), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  },
  Decrypt(store, req, caller) {
    const ct = blob(req, 'CiphertextBlob', 6144);
    const key = store.resolve(store.blobKeyId(ct), caller, 'Decrypt');
    if (req.KeyId !== undefined && store.resolve(req.KeyId, caller, 'Decrypt').id !== key.id) {
      throw new KmsFault('IncorrectKeyException', 'The key ID in the request does not identify a KMS key that can perform this operation.');
    }
    store.requireEnabled(key);
    return { KeyId: key.arn, Plaintext: b64(store.open(key, ct, context(req))), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  },
  ReEncrypt(store, req, caller) {
    const ct = blob(req, 'CiphertextBlob', 6144);
    const src = store.resolve(store.blobKeyId(ct), caller, 'ReEncrypt');
    const dst = store.resolve(req.DestinationKeyId, caller, 'ReEncrypt');
    store.requireEnabled(src);
    store.requireEnabled(dst);
    const plaintext = store.open(src, ct, context(req, 'SourceEncryptionContext'));
    return {
      SourceKeyId: src.arn, KeyId: dst.arn,
      CiphertextBlob: b64(store.seal(dst, plaintext, context(req, 'DestinationEncryptionContext'))),
    };
  },

  EnableKey(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'EnableKey');
    if (key.state === 'PendingDeletion') throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    key.state = 'Enabled';
    return {};
  },
  DisableKey(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'DisableKey');
    if (key.state === 'PendingDeletion') throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    key.state = 'Disabled';
    return {};
  },
  ScheduleKeyDeletion(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'ScheduleKeyDeletion');
    const days = intIn(req, 'PendingWindowInDays', 7, 30, 30);
    if (key.state === 'PendingDeletion') throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    key.state = 'PendingDeletion';
    key.pendingWindowDays = days;
    key.deletionDate = store.now() + days * DAY;
    return { KeyId: key.arn, DeletionDate: secs(key.deletionDate), KeyState: key.state, PendingWindowInDays: days };
  },
  CancelKeyDeletion(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'CancelKeyDeletion');
    if (key.state !== 'PendingDeletion') throw new KmsFault('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
    // As in AWS: the key comes back Disabled and must be enabled again.
    key.state = 'Disabled';
    delete key.deletionDate;
    delete key.pendingWindowDays;
    return { KeyId: key.arn };
  },

  EnableKeyRotation(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'EnableKeyRotation');
    const days = intIn(req, 'RotationPeriodInDays', 90, 2560, 365);
    store.requireEnabled(key);
    key.rotation = { enabled: true, periodDays: days, anchor: store.now() };
    return {};
  },
  DisableKeyRotation(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'DisableKeyRotation');
    store.requireEnabled(key);
    key.rotation.enabled = false;
    return {};
  },
  GetKeyRotationStatus(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'GetKeyRotationStatus');
    if (key.state === 'PendingDeletion') throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    const r = key.rotation;
    return {
      KeyId: key.arn, KeyRotationEnabled: r.enabled,
      ...(r.enabled ? { RotationPeriodInDays: r.periodDays, NextRotationDate: secs(store.nextRotation(key)) } : {}),
    };
  },
  RotateKeyOnDemand(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'RotateKeyOnDemand');
    store.requireEnabled(key);
    if (key.versions.filter((v) => v.type === 'ON_DEMAND').length >= 10) {
      throw new KmsFault('LimitExceededException', 'You have exceeded the number of on-demand rotations for this key (10).');
    }
    key.versions.push({ material: randomBytes(32), createdAt: store.now(), type: 'ON_DEMAND' });
    return { KeyId: key.arn };
  },
  ListKeyRotations(store, req, caller) {
    const key = store.resolve(req.KeyId, caller, 'ListKeyRotations');
    const limit = intIn(req, 'Limit', 1, 1000, 100);
    const start = req.Marker === undefined ? 0 : Number(req.Marker);
    const all = key.versions.slice(1).map((v) => ({ KeyId: key.arn, RotationDate: secs(v.createdAt), RotationType: v.type }));
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { Rotations: page, Truncated: more, ...(more ? { NextMarker: String(start + limit) } : {}) };
  },
};
