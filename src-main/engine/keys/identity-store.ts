import { chmod, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { CorruptKeySetError, KeyError } from './key-errors.ts';
import type { MemberIdentity } from './key-set.ts';
import { KeychainEntry } from './keychain-entry.ts';

/**
 * Where a team member keeps their identity: the OS keychain (item coffer/member-<vaultId>, or coffer/identity
 * for the one `coffer team id` made before any vault was joined), or a file readable by its owner only
 * (--identity-file), for machines without a keychain. The identity is the member's secret: whoever holds it
 * opens their key slot.
 */
const StoredIdentity = z.strictObject({
  format: z.literal('coffer-identity'),
  v: z.literal(1),
  member: z.string().nullable(),
  signKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  ageIdentity: z.string().regex(/^AGE-SECRET-KEY-1[0-9A-Z]+$/),
});

/** An identity not yet bound to a member id (`coffer team id`, before the invite). */
export type LooseIdentity = Omit<MemberIdentity, 'member'> & { member: string | null };

export interface IdentityStore {
  readonly where: string;
  read(): Promise<LooseIdentity | null>;
  write(identity: LooseIdentity): Promise<void>;
}

function encode(id: LooseIdentity): string {
  return JSON.stringify({ format: 'coffer-identity', v: 1, member: id.member, signKey: id.signKey, ageIdentity: id.ageIdentity });
}

function decode(text: string, where: string): LooseIdentity {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new CorruptKeySetError(`${where} is damaged (not valid JSON)`, { cause });
  }
  const parsed = StoredIdentity.safeParse(raw);
  if (!parsed.success) throw new CorruptKeySetError(`${where} is not a Coffer identity (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const { member, signKey, ageIdentity } = parsed.data;
  return { member, signKey, ageIdentity };
}

export class KeychainIdentityStore implements IdentityStore {
  private readonly entry: KeychainEntry;
  constructor(account: string) {
    this.entry = new KeychainEntry(account);
  }
  get where(): string {
    return this.entry.where;
  }
  async read(): Promise<LooseIdentity | null> {
    const text = await this.entry.read();
    return text === null ? null : decode(text, this.entry.where);
  }
  write(identity: LooseIdentity): Promise<void> {
    return this.entry.write(encode(identity));
  }
}

export class FileIdentityStore implements IdentityStore {
  constructor(readonly path: string) {}
  get where(): string {
    return `identity file ${this.path}`;
  }
  async read(): Promise<LooseIdentity | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return decode(text, this.where);
  }
  async write(identity: LooseIdentity): Promise<void> {
    await writeFileAtomic(this.path, encode(identity));
    await chmod(this.path, 0o600);
  }
}

/** Where the identity of `member:<vaultId>[:<file>]` lives. */
export function identityStoreFor(vaultId: string, file?: string): IdentityStore {
  return file ? new FileIdentityStore(file) : new KeychainIdentityStore(`member-${vaultId}`);
}

/** The identity bound to a member, or a clear error. */
export async function requireIdentity(store: IdentityStore): Promise<MemberIdentity> {
  const id = await store.read();
  if (!id) throw new KeyError(`no team identity in the ${store.where}: join the vault on this machine first (coffer team join <code> <folder>)`);
  if (!id.member) throw new KeyError(`the ${store.where} is not bound to a member of this vault yet; join with your code first`);
  return { ...id, member: id.member };
}
