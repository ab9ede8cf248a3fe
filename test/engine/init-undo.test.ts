// A failed `init` leaves nothing behind: not the destination folder it made, not the objects it wrote,
// not a state folder. Each case fails at a different step of LocalVault.init.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/local-vault.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { VAULT_DESCRIPTOR_KEY } from '../../src-main/engine/objects/object-keys.ts';
import { openStore } from '../../src-main/engine/store/open-store.ts';
import { s3TestConfig } from '../support/s3-env.ts';
import { freshRemote, sandbox, snapshot, type Sandbox } from './harness.ts';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

/** The store, except that writing the descriptor fails: init has written the key slots by then. */
function failingDescriptor(store: BlobStore): BlobStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'put') {
        return (key: string, ...rest: unknown[]) => key === VAULT_DESCRIPTOR_KEY
          ? Promise.reject(new Error('disk full (test)'))
          : (target.put as (...a: unknown[]) => unknown).call(target, key, ...rest);
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('a failed init', () => {
  it('with an unknown key reference leaves no destination folder and no state folder', async () => {
    sb = await sandbox();
    const dest = join(sb.root, 'new-remote');
    const err = await LocalVault.init(sb.env, { folder: sb.folder, remote: `file://${dest}`, keyRef: 'nosuch:thing' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/nosuch/);
    expect((await readdir(sb.root)).sort()).toEqual(['folder']);
  });

  it('after the key slots were written removes them, keeps what was there, and removes the state folder', async () => {
    sb = await sandbox();
    const dest = join(sb.root, 'remote');
    await mkdir(join(dest, 'keys'), { recursive: true });
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dest, 'keys', 'someone-elses'), 'x'));
    await mkdir(sb.home);
    const before = { dest: await snapshot(dest), home: await snapshot(sb.home) };
    const err = await LocalVault.init({ ...sb.env, wrapStore: failingDescriptor }, { folder: sb.folder, remote: `file://${dest}`, keyRef: 'passphrase' })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk full (test)');
    expect(await snapshot(dest)).toEqual(before.dest);
    expect(await snapshot(sb.home)).toEqual(before.home);
    // And the same folder can then be set up.
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: `file://${dest}`, keyRef: 'passphrase' });
    await vault.close();
  });

  it('into a new destination whose init fails late removes the folder it made, with the slots in it', async () => {
    sb = await sandbox();
    const dest = join(sb.root, 'a', 'b');
    const err = await LocalVault.init({ ...sb.env, wrapStore: failingDescriptor }, { folder: sb.folder, remote: `file://${dest}`, keyRef: 'passphrase' })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk full (test)');
    expect((await readdir(sb.root)).sort()).toEqual(['folder']);
  });

  it.skipIf(!s3TestConfig())('on S3, refused by a bucket without Object Lock, leaves the bucket empty and the state home as it was', async () => {
    sb = await sandbox();
    const { remote, endpoint } = await freshRemote('s3', sb);
    const err = await LocalVault.init(sb.env, { folder: sb.folder, remote, endpoint, keyRef: 'passphrase', objectLock: { mode: 'GOVERNANCE', days: 1 } })
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/refused an Object Lock retention/);
    const left: string[] = [];
    for await (const o of openStore(remote, { endpoint }).list('')) left.push(o.key);
    expect(left).toEqual([]);
    expect((await readdir(sb.root)).sort()).toEqual(['folder']);
  });
});
