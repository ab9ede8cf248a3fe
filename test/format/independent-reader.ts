import { existsSync } from 'node:fs';
// A second reader of Coffer vaults, written from docs/FORMAT.md Appendix A alone (each step is marked A.n).
// It imports nothing from Coffer: only Node built-ins and the AWS Encryption SDK's decrypt and raw-AES
// keyring packages, the standard library for the message format. If it disagrees with Coffer, the spec is
// incomplete or wrong: that is what independent-reader.test.ts checks on the frozen vectors.
import { createHash, scryptSync } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { chmod, lutimes, mkdir, open, readFile, rename, symlink, utimes } from 'node:fs/promises';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';

export interface Chunk { object: string; kind: 'data' | 'pack' | 'chunk'; offset: number; length: number; id?: string; sealed?: number; message?: string }
export interface Entry {
  path: string; rawPath?: string; type: 'file' | 'dir' | 'symlink'; size: number; mode: number; mtimeMs: number;
  hash?: string; chunks?: Chunk[]; target?: string; rawTarget?: string;
}
export interface Root { rootId: string; parent: string | null; time: string; segments: { shard: number; object: string; count: number; digest: string }[] }
type Context = Record<string, string>;

const { decrypt } = buildDecrypt({ maxEncryptedDataKeys: 4 }); // A.2: default policy REQUIRE_ENCRYPT_REQUIRE_DECRYPT
const keyring = (vaultId: string, name: string, key: Uint8Array) => new RawAesKeyringNode({
  keyNamespace: `coffer:${vaultId}`, keyName: name, unencryptedMasterKey: new Uint8Array(key),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});

/** A.2: the plaintext header fields, and a check that the message ends exactly at its final frame. */
function header(msg: Buffer): { context: Context; keyNames: string[] } {
  if (msg[0] !== 2 || msg.readUInt16BE(1) !== 0x0478) throw new Error('not a version 2, suite 0x0478 message');
  let off = 1 + 2 + 32;
  const u16 = () => ((off += 2), msg.readUInt16BE(off - 2));
  const field = () => { const n = u16(); off += n; return msg.subarray(off - n, off); };
  const context: Context = {};
  const aadEnd = u16() + off;
  if (aadEnd > off) for (let n = u16(); n > 0; n--) context[field().toString('utf8')] = field().toString('utf8');
  off = aadEnd;
  const keyNames: string[] = [];
  for (let n = u16(); n > 0; n--) {
    field(); // provider id
    const info = field();
    keyNames.push(info.subarray(0, info.length - 20).toString('utf8')); // key name, then tag length, IV length, IV
    field(); // wrapped data key
  }
  if (msg[off] !== 2) throw new Error('not framed content');
  const frameLength = msg.readUInt32BE(off + 1);
  off += 1 + 4 + 32 + 16;
  while (msg.readUInt32BE(off) !== 0xffffffff) off += 4 + 12 + frameLength + 16;
  off += 4 + 4 + 12 + 4 + msg.readUInt32BE(off + 20) + 16;
  if (off !== msg.length) throw new Error(`bytes after the end of the message (${off} of ${msg.length})`);
  return { context, keyNames };
}

const sameContext = (a: Context, b: Context) => Object.keys(a).length === Object.keys(b).length && Object.keys(b).every((k) => a[k] === b[k]);

/** A.2: refuse an unexpected context before decrypting, and again from the authenticated header. */
async function openMessage(msg: Buffer, ring: RawAesKeyringNode, expected: Context): Promise<Buffer> {
  if (!sameContext(header(msg).context, expected)) throw new Error(`unexpected encryption context ${JSON.stringify(header(msg).context)}`);
  const { plaintext, messageHeader } = await decrypt(ring, msg);
  if (!sameContext(messageHeader.encryptionContext, expected)) throw new Error('the authenticated context differs');
  return plaintext;
}

/** A.3: CR1-… text to the 32 key bytes, checksum checked. */
export function recoveryKeyBytes(text: string): Buffer {
  const s = text.trim().toUpperCase().replace(/[\s-]/g, '');
  if (!s.startsWith('CR1')) throw new Error('not a recovery key');
  const chars = s.slice(3).replace(/O/g, '0').replace(/[IL]/g, '1');
  const bits = [...chars].map((c) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c).toString(2).padStart(5, '0')).join('');
  if (chars.length !== 56 || bits.includes('-')) throw new Error('recovery key has a typo');
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const key = bytes.subarray(0, 32);
  const sum = createHash('sha256').update('coffer-recovery-key-v1\0').update(key).digest().subarray(0, 3);
  if (!sum.equals(bytes.subarray(32))) throw new Error('recovery key checksum does not match');
  return key;
}

/** A.4: the passphrase slot's scrypt parameters, read from its header and checked before scrypt runs. */
function passphraseKey(slot: Buffer, passphrase: string): { key: Buffer; kdf: string } {
  const kdf = header(slot).context['coffer:kdf'] ?? '';
  const m = /^scrypt;N=(\d+);r=(\d+);p=(\d+);salt=([A-Za-z0-9+/=]+)$/.exec(kdf);
  if (!m) throw new Error('no key derivation in the passphrase slot');
  const [N, r, p, salt] = [Number(m[1]), Number(m[2]), Number(m[3]), Buffer.from(m[4]!, 'base64')];
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < 10 || logN > 18 || r !== 8 || p !== 1 || salt.length < 16 || salt.length > 64) throw new Error('scrypt parameters out of range');
  if (passphrase === '') throw new Error('empty passphrase');
  return { key: scryptSync(Buffer.from(passphrase.normalize('NFC'), 'utf8'), salt, 32, { N, r, p, maxmem: 256 * N * r + (1 << 20) }), kdf };
}

export class IndependentReader {
  private versions = new Map<number, Buffer>();
  private lastPack: { id: string; data: Buffer } | null = null;
  private constructor(private readonly bucket: string, readonly vaultId: string) {}

  /** A.1, A.3–A.5: the descriptor, then a key slot, then the key set's versions. */
  static async open(bucket: string, secret: { recoveryKey: string } | { passphrase: string }): Promise<IndependentReader> {
    const desc = JSON.parse(await readFile(`${bucket}/coffer-vault.json`, 'utf8')) as { format: string; version: number; vaultId: string };
    if (desc.format !== 'coffer-vault' || ![1, 3, 4, 5].includes(desc.version)) throw new Error('unknown vault format');
    // Versions 3 to 5 without a team: chunks, padding, chunk packs (A.8). Version 5 changes only keys/chunking,
    // which a reader never needs (chunks are named in the manifest). A team (team/m/) needs §Team, not this reader.
    if (desc.version >= 3 && existsSync(`${bucket}/team`)) throw new Error('unknown vault format: a team vault');
    const reader = new IndependentReader(bucket, desc.vaultId);
    const slot = await readFile(`${bucket}/keys/${'recoveryKey' in secret ? 'recovery' : 'passphrase'}`);
    const expected: Context = { 'coffer:vault': desc.vaultId };
    let plain: Buffer;
    if ('recoveryKey' in secret) {
      plain = await openMessage(slot, keyring(desc.vaultId, 'slot/recovery', recoveryKeyBytes(secret.recoveryKey)), { ...expected, 'coffer:slot': 'recovery' });
    } else {
      const { key, kdf } = passphraseKey(slot, secret.passphrase);
      plain = await openMessage(slot, keyring(desc.vaultId, 'slot/passphrase', key), { ...expected, 'coffer:slot': 'passphrase', 'coffer:kdf': kdf });
    }
    const set = JSON.parse(plain.toString('utf8')) as { format: string; v: number; vaultId: string; versions: { version: number; key: string }[] };
    if (set.format !== 'coffer-key-set' || set.v !== 1 || set.vaultId !== desc.vaultId) throw new Error('not this vault\'s key set');
    for (const v of set.versions) reader.versions.set(v.version, Buffer.from(v.key, 'base64'));
    return reader;
  }

  /** A.6: an object by id and kind, unwrapped with the key version its header names; `msg`: its bytes, when read from elsewhere. */
  private async object(id: string, kind: string, msg?: Buffer): Promise<Buffer> {
    msg ??= await readFile(this.file(id));
    const version = Number(/^vault-key\/v(\d+)$/.exec(header(msg).keyNames[0] ?? '')?.[1]);
    const key = this.versions.get(version);
    if (!key) throw new Error(`object ${id} needs vault key version ${version}, which the key set lacks`);
    return openMessage(msg, keyring(this.vaultId, `vault-key/v${version}`, key), { 'coffer:vault': this.vaultId, 'coffer:object': id, 'coffer:kind': kind });
  }

  private file(id: string): string {
    return id === 'head' ? `${this.bucket}/head` : `${this.bucket}/objects/${id.slice(0, 2)}/${id}`;
  }

  /** A.8, format 4: bytes [offset, offset + sealed) of a chunk pack's file, read alone. */
  private async range(id: string, offset: number, length: number): Promise<Buffer> {
    const fh = await open(this.file(id), 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      if (bytesRead !== length) throw new Error(`chunk pack ${id} ends before ${offset + length}`);
      return buf;
    } finally {
      await fh.close();
    }
  }

  private async doc<T>(id: string, kind: string): Promise<T> {
    const doc = JSON.parse(gunzipSync(await this.object(id, kind)).toString('utf8')) as T & { format: number; vaultId: string };
    if (doc.format !== 1 || doc.vaultId !== this.vaultId) throw new Error(`${kind} ${id} is of another format or vault`);
    return doc;
  }

  /** A.7: the roots, newest first, from the head along `parent` (a deleted parent ends the chain). */
  async roots(): Promise<Root[]> {
    const out: Root[] = [];
    for (let id: string | null = (await this.doc<{ rootId: string }>('head', 'head')).rootId; id; id = out[out.length - 1]!.parent) {
      const root = await this.doc<Root>(id, 'root').catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return null; throw err; });
      if (!root) break;
      out.push(root);
    }
    return out;
  }

  /** A.7: every entry of a root; each segment's digest checked against its entries. */
  async entries(root: Root): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const seg of root.segments) {
      const doc = await this.doc<{ shard: number; entries: Entry[] }>(seg.object, 'manifest');
      const digest = createHash('sha256').update(JSON.stringify(doc.entries)).digest('hex');
      if (doc.shard !== seg.shard || doc.entries.length !== seg.count || digest !== seg.digest) throw new Error(`segment ${seg.object} does not match its root`);
      out.push(...doc.entries);
    }
    return out;
  }

  /** A.8: a file's bytes, size and SHA-256 checked. */
  async content(e: Entry): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (const c of e.chunks ?? []) {
      if (c.kind === 'data' || c.kind === 'chunk') {
        // Format 3 may pad (§3.5): the chunk is the plaintext's first `length` bytes, then only zeros.
        // Format 4: the chunk is one message inside a chunk pack, opened under its own id.
        const plain = c.kind === 'chunk'
          ? await this.object(c.message!, 'data', await this.range(c.object, c.offset, c.sealed!))
          : await this.object(c.object, 'data');
        if (plain.subarray(c.length).some((b) => b !== 0)) throw new Error(`chunk ${c.object} has more than ${c.length} bytes`);
        parts.push(plain.subarray(0, c.length));
      } else {
        if (this.lastPack?.id !== c.object) this.lastPack = { id: c.object, data: await this.object(c.object, 'pack') };
        parts.push(this.lastPack.data.subarray(c.offset, c.offset + c.length));
      }
      if (parts[parts.length - 1]!.length !== c.length) throw new Error(`chunk ${c.object} is not ${c.length} bytes`);
    }
    const data = Buffer.concat(parts);
    if (data.length !== e.size || createHash('sha256').update(data).digest('hex') !== e.hash) throw new Error(`${e.path}: wrong size or hash`);
    return data;
  }

  /** A.9: folders (shortest first), then files, then symlinks; names as bytes, every name checked. */
  async restore(root: Root, toDir: string): Promise<void> {
    const all = await this.entries(root);
    const at = (bytes: Buffer) => Buffer.concat([Buffer.from(`${toDir}/`), bytes]);
    const byType = (t: Entry['type']) => all.filter((e) => e.type === t);
    await mkdir(toDir, { recursive: true });
    for (const e of byType('dir').sort((a, b) => nameOf(a).length - nameOf(b).length)) {
      await mkdir(at(nameOf(e)), { recursive: true });
      await chmod(at(nameOf(e)), (e.mode & 0o775) | 0o700);
    }
    for (const e of byType('file')) {
      const [path, tmp] = [at(nameOf(e)), at(Buffer.concat([nameOf(e), Buffer.from('.independent-tmp')]))];
      const fh = await open(tmp, 'wx', 0o600);
      await fh.writeFile(await this.content(e));
      await fh.chmod(e.mode & 0o775);
      await fh.close();
      await utimes(tmp, e.mtimeMs / 1000, e.mtimeMs / 1000);
      await rename(tmp, path);
    }
    for (const e of byType('symlink')) {
      const target = e.rawTarget ? Buffer.from(e.rawTarget, 'base64') : Buffer.from(e.target ?? '', 'utf8');
      const depth = nameOf(e).toString('latin1').split('/').length - 1;
      const segs = target.toString('latin1').split('/').filter((s) => s !== '' && s !== '.');
      const ups = segs.findIndex((s) => s !== '..');
      if (target[0] === 0x2f || (ups < 0 ? segs.length : ups) > depth || segs.slice(Math.max(ups, 0)).includes('..')) throw new Error(`${e.path}: symlink leaves the folder`);
      await symlink(target, at(nameOf(e)));
      await lutimes(at(nameOf(e)), e.mtimeMs / 1000, e.mtimeMs / 1000);
    }
  }
}

/** A.7, A.9: the name's exact bytes (rawPath when present), refused unless it is a safe relative path. */
export function nameOf(e: Entry): Buffer {
  const bytes = e.rawPath ? Buffer.from(e.rawPath, 'base64') : Buffer.from(e.path, 'utf8');
  const text = bytes.toString('latin1'); // one character per byte: checks apply to bytes
  const bad = /[\0\\]/.test(text) || /^[A-Za-z]:/.test(text) || text.split('/').some((s) => s === '' || s === '.' || s === '..' || s.length > 255);
  if (bad) throw new Error(`unsafe path ${JSON.stringify(e.path)}`);
  return bytes;
}
