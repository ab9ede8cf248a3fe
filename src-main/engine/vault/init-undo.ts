import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore } from '../ports/blob-store.ts';
import { StoreError } from '../ports/store-errors.ts';
import { VAULT_DESCRIPTOR_KEY } from '../objects/object-keys.ts';
import type { AuditLog, ManagedKey } from '../keys/index.ts';
import { parseStoreUrl } from '../store/open-store.ts';
import type { VaultPaths } from './state-dir.ts';

/**
 * What a failed `init` must take back, so that trying again (or another destination) starts from the same
 * place: the destination folder it created, the bucket objects it wrote (key slots, the SSE-C key, the
 * descriptor; none existed, since init refuses a destination that holds a vault), and the vault's state
 * folder with the state home's folders it created. Undoing is best effort and never hides the failure:
 * a bucket under Object Lock keeps what it was given.
 */
export class InitUndo {
  private key: ManagedKey | null = null;

  private constructor(
    private readonly slots: BlobStore,
    /** The key slots there before; null when they could not be listed, and then none are deleted. */
    private readonly objectsBefore: Set<string> | null,
    private readonly madeDestination: string | undefined,
    /** A folder destination that existed: its entries before, so the folders the store made can go too. */
    private readonly folderBefore: { path: string; entries: Set<string> } | null,
    /** The state folders that did not exist, innermost first (the vault's folder, then its parents). */
    private readonly newStateDirs: string[],
  ) {}

  /** Records what exists now and creates a folder destination (its parent must exist on a real machine). */
  static async begin(home: string, paths: VaultPaths, remote: string, slots: BlobStore): Promise<InitUndo> {
    const newStateDirs: string[] = [];
    for (const dir of [paths.dir, dirname(paths.dir), home]) {
      if (await stat(dir).then(() => false, () => true)) newStateDirs.push(dir);
    }
    const location = parseStoreUrl(remote);
    const madeDestination = location.kind === 'file' ? await mkdir(location.path, { recursive: true }) : undefined;
    const objectsBefore = madeDestination ? new Set<string>() : await listKeys(slots).catch(() => null);
    const folderBefore = location.kind === 'file' && !madeDestination
      ? { path: location.path, entries: new Set(await readdir(location.path)) }
      : null;
    return new InitUndo(slots, objectsBefore, madeDestination, folderBefore, newStateDirs);
  }

  keyCreated(key: ManagedKey): void {
    this.key = key;
  }

  async run(audit: AuditLog): Promise<void> {
    // Nothing may still be writing into the folders removed below.
    await this.key?.flushAudit().catch(() => undefined);
    await audit.settled().catch(() => undefined);
    if (this.madeDestination) {
      await rm(this.madeDestination, { recursive: true, force: true }).catch(() => undefined);
    } else {
      await this.deleteNewObjects().catch(() => undefined);
      await this.removeNewEmptyFolders().catch(() => undefined);
    }
    const [vaultDir, ...parents] = this.newStateDirs;
    if (vaultDir) await rm(vaultDir, { recursive: true, force: true }).catch(() => undefined);
    // Parents only when empty: another vault may have been set up meanwhile.
    for (const dir of parents) await rmdir(dir).catch(() => undefined);
  }

  /** The folder store's own folders (temp, locks, keys/) that init made: only when empty, never a file. */
  private async removeNewEmptyFolders(): Promise<void> {
    if (!this.folderBefore) return;
    const { path, entries } = this.folderBefore;
    for (const name of await readdir(path)) {
      if (!entries.has(name)) await rmdir(join(path, name)).catch(() => undefined);
    }
  }

  private async deleteNewObjects(): Promise<void> {
    const before = this.objectsBefore;
    if (!before) return;
    const written = [...(await listKeys(this.slots))].filter((k) => !before.has(k));
    if (await this.slots.head(VAULT_DESCRIPTOR_KEY)) written.push(VAULT_DESCRIPTOR_KEY);
    for (const key of written) await this.slots.delete(key);
  }
}

async function listKeys(store: BlobStore): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const o of store.list('keys/')) keys.add(o.key);
  return keys;
}

/** S3 refuses a locked write to a bucket without Object Lock (InvalidRequest): say what to change. */
export function lockRefusal(err: unknown, remote: string, locked: boolean): unknown {
  if (!locked || !(err instanceof StoreError) || !/InvalidRequest|object ?lock/i.test(err.message)) return err;
  return new Error(
    `${remote} refused an Object Lock retention: the bucket must be created with Object Lock enabled `
    + '(see docs/BUCKET-PROTECTION.md); nothing was written', { cause: err },
  );
}
