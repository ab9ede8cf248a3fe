// The PKCS#11 provider against a real SoftHSM2 token, through pkcs11js.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AlgorithmSuiteIdentifier, NodeAlgorithmSuite, NodeDecryptionMaterial, NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import type * as Pkcs11Types from 'pkcs11js';
import type { Pkcs11Lib } from '../../src-main/engine/keys/pkcs11/pkcs11-api.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { KeyUnavailableError } from '../../src-main/engine/ports/key-provider.ts';
import { KeyUsageError } from '../../src-main/engine/keys/key-errors.ts';
import { createPkcs11Key, openPkcs11Key, Pkcs11KeyError } from '../../src-main/engine/keys/pkcs11/index.ts';
import { Pkcs11StateFile } from '../../src-main/engine/keys/pkcs11/pkcs11-state.ts';
import { describeKeyProviderConformance } from './conformance.ts';
import { makeContext } from './support/fixtures.ts';
import { scratchParent } from '../support/scratch-root.ts';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '1234';

function skipReason(): string | undefined {
  let why: string | undefined;
  if (!existsSync('/usr/bin/softhsm2-util') || !existsSync(MODULE)) why = 'SoftHSM2 is not installed (apt-get install softhsm2 opensc)';
  else {
    try {
      createRequire(import.meta.url)('pkcs11js');
    } catch {
      why = 'pkcs11js is not built (npm rebuild pkcs11js)';
    }
  }
  if (why && process.env.CI === 'true') throw new Error(`PKCS#11 tests cannot run in CI: ${why}`);
  return why;
}
const skip = skipReason();

let labelSeq = 0;
const label = (base: string) => `${base}-${process.pid}-${++labelSeq}`;
const pin = async () => PIN;
const obj = (vaultId: string, objectId = 'obj-1') => ({ vaultId, objectId, kind: 'data' as const });
const text = (b: Uint8Array) => Buffer.from(b).toString();
const suite = new NodeAlgorithmSuite(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY);

beforeAll(async () => {
  if (skip) return;
  const dir = await mkdtemp(join(scratchParent(), 'coffer-softhsm-'));
  await writeFile(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  delete process.env.COFFER_PKCS11_PIN;
  delete process.env.COFFER_PKCS11_MODULE;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'coffer', '--pin', PIN, '--so-pin', PIN], { stdio: 'ignore' });
});

/** Reads key objects straight from the token, as an attacker with the PIN could. */
function onToken<T>(body: (p11: Pkcs11Types.PKCS11, lib: typeof Pkcs11Types, session: Buffer) => T): T {
  const lib = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11Types;
  // The engine calls pkcs11js through its own structural type: this line fails to compile if they part.
  const _sameShape: Pkcs11Lib = lib;
  const p11 = new lib.PKCS11();
  p11.load(MODULE);
  try {
    p11.C_Initialize();
  } catch {
    /* already initialised by the provider in this process */
  }
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'coffer') as Buffer;
  const session = p11.C_OpenSession(slot, lib.CKF_SERIAL_SESSION | lib.CKF_RW_SESSION);
  p11.C_Login(session, lib.CKU_USER, PIN);
  try {
    return body(p11, lib, session);
  } finally {
    p11.C_Logout(session);
    p11.C_CloseSession(session);
  }
}

function findByLabel(p11: Pkcs11Types.PKCS11, lib: typeof Pkcs11Types, session: Buffer, name: string): Buffer[] {
  p11.C_FindObjectsInit(session, [{ type: lib.CKA_LABEL, value: name }]);
  const found = p11.C_FindObjects(session, 10);
  p11.C_FindObjectsFinal(session);
  return found;
}

describe.skipIf(skip !== undefined)(`pkcs11 key provider${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('seals and opens through the token; the EDK names token, key and version', async () => {
    const ctx = await makeContext();
    const name = label('vault');
    const key = await createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { module: MODULE, pin });
    const sealer = new EsdkSealer(key);
    const ct = await sealer.sealBytes(Buffer.from('board minutes'), obj(ctx.vaultId));
    const reopened = new EsdkSealer(await openPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin }));
    expect(text(await reopened.openBytes(ct, obj(ctx.vaultId)))).toBe('board minutes');
    const enc = await (await key.encryptKeyring()).onEncrypt(new NodeEncryptionMaterial(suite, { 'coffer:object': 'x' }));
    expect(enc.encryptedDataKeys.map((e) => [e.providerId, e.providerInfo])).toEqual([['coffer-pkcs11', `coffer/${name}/v1`]]);
    expect(await key.status()).toMatchObject({ provider: 'pkcs11', state: 'enabled', versions: [{ version: 1, current: true }] });
    expect((await ctx.audit.list()).map((e) => e.op)).toEqual(expect.arrayContaining(['create', 'wrap', 'unwrap']));
  });

  it('the key on the token is non-extractable and sensitive', async () => {
    const ctx = await makeContext();
    const name = label('locked-in');
    await createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin });
    onToken((p11, lib, session) => {
      const [h] = findByLabel(p11, lib, session, `${name}#v1`);
      expect(h).toBeDefined();
      expect(() => p11.C_GetAttributeValue(session, h as Buffer, [{ type: lib.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      const [extractable, sensitive] = p11.C_GetAttributeValue(session, h as Buffer, [{ type: lib.CKA_EXTRACTABLE }, { type: lib.CKA_SENSITIVE }]);
      expect(extractable?.value[0]).toBe(0);
      expect(sensitive?.value[0]).toBe(1);
    });
  });

  it('rotation adds <key>#v2 on the token; old objects still open; rotateIfDue follows the period', async () => {
    const ctx = await makeContext();
    const name = label('rot');
    const key = await createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin });
    const sealer = new EsdkSealer(key);
    const old = await sealer.sealBytes(Buffer.from('v1'), obj(ctx.vaultId));
    expect(await key.rotateIfDue()).toBe(false);
    const st = await key.rotate();
    expect(st.versions.map((v) => [v.version, v.current])).toEqual([[1, false], [2, true]]);
    const enc = await (await key.encryptKeyring()).onEncrypt(new NodeEncryptionMaterial(suite, {}));
    expect(enc.encryptedDataKeys[0]?.providerInfo).toBe(`coffer/${name}/v2`);
    expect(text(await sealer.openBytes(old, obj(ctx.vaultId)))).toBe('v1');
    await expect(key.setRotationPeriod(30)).rejects.toBeInstanceOf(KeyUsageError);
    await key.setRotationPeriod(90);
    ctx.clock.advanceDays(91);
    expect(await key.rotateIfDue()).toBe(true);
    expect(await key.currentVersion()).toBe(3);
    expect(onToken((p11, lib, s) => findByLabel(p11, lib, s, `${name}#v3`).length)).toBe(1);
  });

  it('a wrong PIN, a missing PIN, a missing key and a missing token each get a clear error', async () => {
    const ctx = await makeContext();
    const name = label('pins');
    await createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin });

    const wrong = await openPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin: async () => '9999' });
    expect(await wrong.status()).toMatchObject({ state: 'locked', detail: expect.stringMatching(/PIN for token "coffer" was rejected/) });
    const err = await new EsdkSealer(wrong).sealBytes(Buffer.from('x'), obj(ctx.vaultId)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Pkcs11KeyError);
    expect((err as Pkcs11KeyError).problem).toBe('wrong-pin');

    const noPin = await openPkcs11Key(`pkcs11:coffer/${name}`, ctx);
    expect(await noPin.status()).toMatchObject({ state: 'locked', detail: expect.stringMatching(/COFFER_PKCS11_PIN/) });
    process.env.COFFER_PKCS11_PIN = PIN;
    try {
      expect((await (await openPkcs11Key(`pkcs11:coffer/${name}`, ctx)).status()).state).toBe('enabled');
    } finally {
      delete process.env.COFFER_PKCS11_PIN;
    }

    const missing = await openPkcs11Key('pkcs11:coffer/never-made', ctx, { pin });
    expect(await missing.status()).toMatchObject({ state: 'missing', detail: expect.stringMatching(/no key labelled "never-made" on token "coffer"/) });
    await expect(new EsdkSealer(missing).sealBytes(Buffer.from('x'), obj(ctx.vaultId))).rejects.toThrow(/no key labelled/);

    const noToken = await openPkcs11Key('pkcs11:elsewhere/k', ctx, { pin });
    expect(await noToken.status()).toMatchObject({ state: 'missing', detail: expect.stringMatching(/no PKCS#11 token labelled "elsewhere".*coffer/) });

    const badModule = await openPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin, module: '/nonexistent/libhsm.so' });
    expect(await badModule.status()).toMatchObject({ state: 'error', detail: expect.stringMatching(/cannot load the PKCS#11 module/) });

    await expect(openPkcs11Key('pkcs11:coffer/a#b', ctx)).rejects.toThrow(/reserved/);
    await expect(createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin })).rejects.toThrow(/already holds a key/);
  });

  it('a damaged state file is reported by status(), and refuses use, without touching the token', async () => {
    const ctx = await makeContext();
    const ref = `pkcs11:coffer/${label('state')}`;
    const key = await createPkcs11Key(ref, ctx, { pin });
    await writeFile(new Pkcs11StateFile(ctx.stateDir, ref).path, '{"v": 1, "ref": ');
    expect(await key.status()).toMatchObject({ state: 'error', detail: expect.stringMatching(/state file .* is damaged: move it aside/) });
    await expect(key.encryptKeyring()).rejects.toBeInstanceOf(Pkcs11KeyError);
  });

  it('a version missing from the token, or a swapped context, refuses to unwrap', async () => {
    const ctx = await makeContext();
    const name = label('gone');
    const key = await createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin });
    const enc = await (await key.encryptKeyring()).onEncrypt(new NodeEncryptionMaterial(suite, { 'coffer:object': 'a' }));
    const swapped = (await key.decryptKeyring()).onDecrypt(new NodeDecryptionMaterial(suite, { 'coffer:object': 'b' }), enc.encryptedDataKeys);
    await expect(swapped).rejects.toThrow(/another encryption context/);
    onToken((p11, lib, s) => p11.C_DestroyObject(s, findByLabel(p11, lib, s, `${name}#v1`)[0] as Buffer));
    const gone = (await key.decryptKeyring()).onDecrypt(new NodeDecryptionMaterial(suite, { 'coffer:object': 'a' }), enc.encryptedDataKeys);
    await expect(gone).rejects.toThrow(new RegExp(`version 1 is not on token "coffer"`));
  });

  it('scheduled deletion blocks use, can be cancelled, and destroys the key on the token when due', async () => {
    const ctx = await makeContext();
    const name = label('del');
    const key = await createPkcs11Key(`pkcs11:coffer/${name}`, ctx, { pin });
    await key.rotate();
    await expect(key.scheduleDeletion(5)).rejects.toBeInstanceOf(KeyUsageError);
    await expect(key.scheduleDeletion(7, { inUse: true })).rejects.toThrow(/still protects data/);
    const st = await key.scheduleDeletion(7);
    expect(st).toMatchObject({ state: 'pending-deletion', deletionDate: new Date(ctx.clock.now() + 7 * 86_400_000).toISOString() });
    await expect(key.encryptKeyring()).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(key.rotate()).rejects.toThrow(/cancel the deletion first/);
    expect((await key.cancelDeletion()).state).toBe('enabled');
    await key.encryptKeyring();
    await key.scheduleDeletion(7);
    ctx.clock.advanceDays(8);
    expect(await key.status()).toMatchObject({ state: 'missing' });
    expect(onToken((p11, lib, s) => findByLabel(p11, lib, s, `${name}#v1`).length + findByLabel(p11, lib, s, `${name}#v2`).length)).toBe(0);
    const ops = (await ctx.audit.list()).map((e) => `${e.op}${e.detail?.includes('destroyed') ? ':destroyed' : ''}`);
    expect(ops).toEqual(expect.arrayContaining(['schedule-deletion', 'cancel-deletion', 'schedule-deletion:destroyed']));
  });
});

describeKeyProviderConformance('pkcs11 (SoftHSM2)', async () => {
  const ctx = await makeContext();
  const key = await createPkcs11Key(`pkcs11:coffer/${label('conf')}`, ctx, { pin });
  return { provider: key, rotate: () => key.rotate() };
}, skip ? { skip } : {});
