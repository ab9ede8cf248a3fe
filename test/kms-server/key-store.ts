import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { KmsFault, invalid, notFound } from './kms-fault.ts';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
export interface KeyVersion {
  material: Buffer;
  createdAt: number;
  type: 'ORIGINAL' | 'AUTOMATIC' | 'ON_DEMAND';
}
export interface TestKey {
  id: string;
  arn: string;
  description: string;
  createdAt: number;
  state: KeyState;
  deletionDate?: number;
  pendingWindowDays?: number;
  versions: KeyVersion[];
  rotation: { enabled: boolean; periodDays: number; anchor: number };
}
/** Who is calling, read from the SigV4 Authorization header (the signature itself is not checked). */
export interface Caller {
  accessKeyId: string;
  region: string;
}

const DAY = 86_400_000;
const MAGIC = Buffer.from('CKS1');

/**
 * The keys of one fake KMS account in one region, with real AES-256-GCM per key version. Time is
 * `now()` (wall clock plus a test-controlled offset), so deletion windows and automatic rotation can
 * be reached without waiting. Expired deletions and due rotations are applied lazily on lookup.
 */
export class KeyStore {
  readonly keys = new Map<string, TestKey>();
  readonly aliases = new Map<string, string>();
  offsetMs = 0;

  constructor(readonly region: string, readonly account: string) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  create(description: string): TestKey {
    const id = randomUUID();
    const at = this.now();
    const key: TestKey = {
      id,
      arn: `arn:aws:kms:${this.region}:${this.account}:key/${id}`,
      description,
      createdAt: at,
      state: 'Enabled',
      versions: [{ material: randomBytes(32), createdAt: at, type: 'ORIGINAL' }],
      rotation: { enabled: false, periodDays: 365, anchor: at },
    };
    this.keys.set(id, key);
    return key;
  }

  /** Resolves a key id, alias, key ARN or alias ARN the way KMS does, with its error names. */
  resolve(ident: unknown, caller: Caller, op: string): TestKey {
    if (typeof ident !== 'string' || ident.length === 0) throw invalid('keyId', ident, 'Member must have length greater than or equal to 1');
    let name = ident;
    if (ident.startsWith('arn:')) {
      const m = /^arn:aws:kms:([^:]+):(\d{12}):((?:key|alias)\/.+)$/.exec(ident);
      if (!m) throw new KmsFault('NotFoundException', `Invalid arn ${ident}`);
      const [, region, account, rest] = m as unknown as [string, string, string, string];
      if (account !== this.account) {
        throw new KmsFault('AccessDeniedException',
          `User: arn:aws:iam::${this.account}:user/${caller.accessKeyId} is not authorized to perform: kms:${op} on resource: ${ident} because no resource-based policy allows the kms:${op} action`);
      }
      if (region !== caller.region || region !== this.region) throw new KmsFault('NotFoundException', `Invalid arn ${region}`);
      name = rest.startsWith('key/') ? rest.slice(4) : rest;
    } else if (caller.region !== this.region) {
      throw notFound(ident);
    }
    const id = name.startsWith('alias/') ? this.aliases.get(name) : name;
    const key = id === undefined ? undefined : this.keys.get(id);
    if (!key) throw name.startsWith('alias/') ? new KmsFault('NotFoundException', `Alias ${this.aliasArn(name)} is not found.`) : notFound(ident);
    this.maintain(key);
    if (!this.keys.has(key.id)) throw notFound(key.arn);
    return key;
  }

  aliasArn(alias: string): string {
    return `arn:aws:kms:${this.region}:${this.account}:${alias}`;
  }

  nextRotation(key: TestKey): number {
    return key.rotation.anchor + key.rotation.periodDays * DAY;
  }

  private maintain(key: TestKey): void {
    const now = this.now();
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && now >= key.deletionDate) {
      this.keys.delete(key.id);
      for (const [a, id] of this.aliases) if (id === key.id) this.aliases.delete(a);
      return;
    }
    while (key.state === 'Enabled' && key.rotation.enabled && now >= this.nextRotation(key)) {
      const at = this.nextRotation(key);
      key.versions.push({ material: randomBytes(32), createdAt: at, type: 'AUTOMATIC' });
      key.rotation.anchor = at;
    }
  }

  /** Crypto operations need an enabled key; the error names are the ones AWS uses. */
  requireEnabled(key: TestKey): void {
    if (key.state === 'Disabled') throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') throw new KmsFault('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }

  /** blob = magic | idLen | id | version(u16) | iv(12) | tag(16) | ct; opaque to clients. AAD = context. */
  seal(key: TestKey, plaintext: Buffer, context: Record<string, string>): Buffer {
    const version = key.versions.length - 1;
    const v = key.versions[version] as KeyVersion;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', v.material, iv);
    c.setAAD(aad(context));
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    const id = Buffer.from(key.id);
    const ver = Buffer.alloc(2);
    ver.writeUInt16BE(version);
    return Buffer.concat([MAGIC, Buffer.from([id.length]), id, ver, iv, c.getAuthTag(), ct]);
  }

  /** Which key a blob names, without decrypting (Decrypt needs no KeyId for symmetric keys). */
  blobKeyId(blob: Buffer): string {
    if (blob.length < 5 || !blob.subarray(0, 4).equals(MAGIC)) throw badBlob();
    return blob.subarray(5, 5 + (blob[4] as number)).toString();
  }

  open(key: TestKey, blob: Buffer, context: Record<string, string>): Buffer {
    const at = 5 + (blob[4] as number);
    if (blob.length < at + 2 + 12 + 16) throw badBlob();
    const v = key.versions[blob.readUInt16BE(at)];
    if (!v) throw badBlob();
    const d = createDecipheriv('aes-256-gcm', v.material, blob.subarray(at + 2, at + 14));
    d.setAAD(aad(context));
    d.setAuthTag(blob.subarray(at + 14, at + 30));
    try {
      return Buffer.concat([d.update(blob.subarray(at + 30)), d.final()]);
    } catch {
      throw badBlob();
    }
  }
}

function badBlob(): KmsFault {
  return new KmsFault('InvalidCiphertextException', '');
}

/** Order-independent, unambiguous encoding of the encryption context. */
function aad(context: Record<string, string>): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
