import { access, readdir, rmdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { DestinationCheck, DestinationRequest, FolderCheck, FolderCheckRequest } from '../ports/vault-service.ts';
import { AccessDeniedError, MissingContainerError, TransientStoreError, UnsupportedError } from '../ports/store-errors.ts';
import { openStore, parseStoreUrl } from '../store/open-store.ts';
import { bufferBody } from '../store/body.ts';
import { VAULT_DESCRIPTOR_KEY } from '../objects/object-keys.ts';
import { relativeInside } from '../fsx/path-inside.ts';
import { assertStateOutside } from '../vault/state-dir.ts';
import { VaultRegistry } from '../vault/registry.ts';

// The first-run wizard's checks, asked of the engine so the desktop app and `coffer ui` judge a folder
// and a destination alike, before anything is created. Both answer in words; neither throws for a
// problem of the input.

/** `~/x` as the user typed it, made absolute; a relative path is refused (relative to what?). */
function typedPath(p: string): string | null {
  const t = p.trim();
  const expanded = t === '~' ? homedir() : t.startsWith('~/') ? join(homedir(), t.slice(2)) : t;
  return isAbsolute(expanded) ? resolve(expanded) : null;
}

/** The folder step: it exists (or, to connect, can be made), is a folder, is readable, and is free. */
export async function checkFolder(home: string, req: FolderCheckRequest): Promise<FolderCheck> {
  const folder = typedPath(req.folder);
  if (!folder) return { ok: false, folder: req.folder, problem: 'Enter the full path of the folder, starting with / (or ~/ for your home folder).' };
  const fail = (problem: string): FolderCheck => ({ ok: false, folder, problem });
  const st = await stat(folder).catch((err: NodeJS.ErrnoException) => err);
  if (st instanceof Error) {
    if (st.code !== 'ENOENT') return fail(`${folder} cannot be read (${st.code ?? st.message}).`);
    if (req.purpose !== 'join') return fail(`${folder} does not exist. Create the folder first, or choose another.`);
    const parent = await nearestFolder(folder);
    if (!parent) return fail(`No folder on the way to ${folder} exists.`);
    if (!(await writable(parent))) return fail(`${folder} does not exist, and ${parent} does not let you create it.`);
    return { ok: true, folder, note: `${folder} does not exist yet: Coffer creates it and fills it from the vault.` };
  }
  if (!st.isDirectory()) return fail(`${folder} is a file, not a folder.`);
  try {
    await access(folder, constants.R_OK | constants.X_OK);
    await readdir(folder);
  } catch {
    return fail(`${folder} cannot be read: check its permissions.`);
  }
  try {
    assertStateOutside(folder, home);
  } catch {
    return fail(`${folder} holds Coffer's own state folder (${home}); choose a folder that does not contain it.`);
  }
  const registered = await new VaultRegistry(home).list();
  if (registered.some((v) => v.folder === folder || relativeInside(v.folder, folder) !== null || relativeInside(folder, v.folder) !== null)) {
    return fail(`${folder} is already protected by Coffer, or holds or sits inside a folder that is.`);
  }
  return { ok: true, folder };
}

/**
 * The destination step: a real probe of the store as the vault would use it. It lists, then writes and
 * deletes one small object; it writes nothing when the listing already fails, and checks for a vault
 * there (creating needs none, connecting needs one).
 */
export async function testDestination(req: DestinationRequest): Promise<DestinationCheck> {
  let loc;
  try {
    loc = parseStoreUrl(req.remote);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  if (loc.kind === 'file') {
    const inside = folderOverlap(req.folder, loc.path);
    if (inside) return { ok: false, message: inside };
    const st = await stat(loc.path).catch(() => null);
    if (st && !st.isDirectory()) return { ok: false, message: `${loc.path} is a file, not a folder.` };
    if (!st) {
      const parent = await nearestFolder(loc.path);
      if (req.purpose === 'join') return { ok: false, message: `${loc.path} does not exist, so it holds no vault. Check the path (is the disk plugged in?).` };
      if (!parent || !(await writable(parent))) return { ok: false, message: `${loc.path} does not exist, and ${parent ?? 'no folder on its way'} does not let you create it.` };
      return { ok: true, message: `${loc.path} does not exist yet; Coffer creates it with the vault. ${parent} is writable.` };
    }
  }
  const where = loc.kind === 's3' ? `s3://${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}` : loc.path;
  // The folder store makes its lock and temp folders on first write: the probe removes them again.
  const tidy = loc.kind === 'file' ? await emptyFoldersRemover(loc.path) : async () => undefined;
  try {
    return await probe(req, where, loc.kind);
  } finally {
    await tidy();
  }
}

async function probe(req: DestinationRequest, where: string, kind: 's3' | 'file'): Promise<DestinationCheck> {
  let step = 'connect';
  try {
    const store = openStore(req.remote, {
      endpoint: req.endpoint, allowHttp: req.allowHttp, profile: req.profile, region: req.region,
      ...(req.accessKeyId && req.secretAccessKey ? { credentials: { accessKeyId: req.accessKeyId, secretAccessKey: req.secretAccessKey } } : {}),
      // A probe answers now: one try per call, so a dead endpoint is reported at once, not after minutes.
      retry: { maxAttempts: 1 },
    });
    step = 'list';
    for await (const _ of store.list('')) break;
    const hasVault = (await store.head(VAULT_DESCRIPTOR_KEY)) !== null;
    if (req.purpose === 'join' && !hasVault) return { ok: false, message: `There is no Coffer vault at ${where}. Check the bucket, the prefix or the path.` };
    if (req.purpose !== 'join' && hasVault) {
      return { ok: false, message: `${where} already holds a Coffer vault. Choose "Connect to an existing vault" to sync with it, or another ${kind === 's3' ? 'prefix' : 'folder'}.` };
    }
    step = 'write';
    const probe = `coffer-probe-${randomBytes(8).toString('hex')}`;
    await store.put(probe, bufferBody('coffer connection test\n'), store.features.conditionalWrite ? { ifNoneMatch: '*' } : {});
    step = 'delete';
    await store.delete(probe).catch((err: Error) => {
      throw Object.assign(err, { leftover: probe });
    });
    return { ok: true, message: `Connected to ${where}: Coffer could list, write and delete there.` };
  } catch (err) {
    return { ok: false, message: probeProblem(err as Error, step, where, req) };
  }
}

function probeProblem(err: Error & { leftover?: string }, step: string, where: string, req: DestinationRequest): string {
  const s3 = where.startsWith('s3://');
  const detail = err.message;
  if (err instanceof UnsupportedError) return detail;
  if (err.leftover) return `Coffer wrote a test object but could not delete it (${detail}). Coffer needs to delete old data; allow it, and remove ${err.leftover} from ${where}.`;
  if (err instanceof MissingContainerError) {
    return s3 ? `The bucket does not exist, or is in another region (${detail}). Create the bucket first, or check its name and the region.` : `${where} does not exist (${detail}).`;
  }
  if (err instanceof AccessDeniedError || /credential/i.test(detail)) {
    const what = step === 'write' ? 'write to' : 'list';
    if (!s3) return `Coffer may not ${what} ${where}: check the folder's permissions.`;
    return `The destination refused Coffer (${detail}). Check the access key and secret${req.profile ? `, or the profile "${req.profile}"` : ' or the profile'}, and that they may list, write and delete in ${where}.`;
  }
  if (err instanceof TransientStoreError) {
    const host = req.endpoint ?? (s3 ? 'Amazon S3' : where);
    return `Could not reach ${host} (${detail}). Check the endpoint address and port, the network, and that the server runs.`;
  }
  return `The connection test failed while trying to ${step === 'connect' ? 'connect' : step} (${detail}).`;
}

/** A folder destination inside the protected folder (or around it) would back up its own backup. */
function folderOverlap(folder: string | undefined, destination: string): string | null {
  if (!folder) return null;
  const f = typedPath(folder);
  if (!f) return null;
  if (relativeInside(f, destination) !== null) return `The destination ${destination} is inside the folder to protect (${f}): Coffer would back up its own backup. Choose a folder outside it.`;
  if (relativeInside(destination, f) !== null) return `The folder to protect (${f}) is inside the destination ${destination}. Choose a destination outside it.`;
  return null;
}

/** Removes the empty folders that appear in `dir` from now on (rmdir leaves a folder with content alone). */
async function emptyFoldersRemover(dir: string): Promise<() => Promise<void>> {
  const before = new Set(await readdir(dir));
  return async () => {
    for (const name of await readdir(dir).catch(() => [])) {
      if (!before.has(name)) await rmdir(join(dir, name)).catch(() => undefined);
    }
  };
}

async function nearestFolder(p: string): Promise<string | null> {
  for (let dir = dirname(p); ; dir = dirname(dir)) {
    const st = await stat(dir).catch(() => null);
    if (st) return st.isDirectory() ? dir : null;
    if (dirname(dir) === dir) return null;
  }
}

async function writable(dir: string): Promise<boolean> {
  return access(dir, constants.W_OK | constants.X_OK).then(() => true, () => false);
}
