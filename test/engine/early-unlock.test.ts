import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startUnlockEarly } from '../../src-main/engine/early-unlock.ts';
import { takeDerivation, untakenDerivations } from '../../src-main/engine/keys/passphrase-kdf-hint.ts';
import { decodeKdf, deriveKey } from '../../src-main/engine/keys/passphrase-kdf.ts';
import { sandbox, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';

const KDF_TEXT = 'scrypt;N=1024;r=8;p=1;salt=AAECAwQFBgcICQoLDA0ODw==';
const PASS = 'an early passphrase';

// `coffer sync` of a passphrase vault starts scrypt before its modules load, from three local files.
describe('the CLI starting the passphrase unlock early', () => {
  let home: string;
  let folder: string;

  async function registerVault(keyRef: string, hint: string | null = KDF_TEXT): Promise<void> {
    await writeFile(join(home, 'vaults.json'), JSON.stringify({ version: 1, vaults: [{ vaultId: 'v1', folder }] }));
    await mkdir(join(home, 'vaults', 'v1'), { recursive: true });
    await writeFile(join(home, 'vaults', 'v1', 'settings.json'), JSON.stringify({ version: 6, keyRef }));
    if (hint !== null) await writeFile(join(home, 'vaults', 'v1', 'passphrase-kdf'), `${hint}\n`);
  }

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-early-unlock-'));
    folder = join(home, 'Documents');
    await mkdir(folder);
  });
  afterEach(async () => {
    // Leave no derivation behind for the next test: take whatever one started.
    await takeDerivation(PASS, decodeKdf(KDF_TEXT));
    await rm(home, { recursive: true, force: true });
  });

  it('starts the derivation the open then takes, with the same key as a derivation of its own', async () => {
    await registerVault('passphrase');
    startUnlockEarly(folder, { COFFER_HOME: home, COFFER_PASSPHRASE: PASS });
    expect(untakenDerivations()).toBe(1);
    const key = await takeDerivation(PASS, decodeKdf(KDF_TEXT));
    expect(untakenDerivations()).toBe(0);
    expect(Buffer.from(key)).toEqual(Buffer.from(await deriveKey(PASS, decodeKdf(KDF_TEXT))));
  });

  it('an open drops a derivation it did not use (a stale hint), so none is held after it', async () => {
    await registerVault('passphrase');
    startUnlockEarly(folder, { COFFER_HOME: home, COFFER_PASSPHRASE: PASS });
    expect(untakenDerivations()).toBe(1);
    const other = decodeKdf('scrypt;N=1024;r=8;p=1;salt=DwAODQwLCgkIBwYFBAMCAQ==');
    const key = await takeDerivation(PASS, other);
    expect(untakenDerivations()).toBe(0);
    expect(Buffer.from(key)).toEqual(Buffer.from(await deriveKey(PASS, other)));
  });

  it('finds the only vault when no folder is named', async () => {
    await registerVault('passphrase');
    startUnlockEarly(undefined, { COFFER_HOME: home, COFFER_PASSPHRASE: PASS });
    expect(untakenDerivations()).toBe(1);
  });

  it.each([
    ['no COFFER_PASSPHRASE', async () => registerVault('passphrase'), {}],
    ['a keychain vault', async () => registerVault('keychain:docs'), { COFFER_PASSPHRASE: PASS }],
    ['no hint yet (the first open)', async () => registerVault('passphrase', null), { COFFER_PASSPHRASE: PASS }],
    ['a hint outside the accepted limits', async () => registerVault('passphrase', 'scrypt;N=1048576;r=32;p=1;salt=AAAAAAAAAAAAAAAAAAAAAA=='), { COFFER_PASSPHRASE: PASS }],
    ['no registry', async () => undefined, { COFFER_PASSPHRASE: PASS }],
    ['a damaged registry', async () => writeFile(join(home, 'vaults.json'), '{"vaults": [tr'), { COFFER_PASSPHRASE: PASS }],
  ])('starts nothing with %s', async (_label, arrange, env) => {
    await arrange();
    startUnlockEarly(folder, { COFFER_HOME: home, ...env });
    expect(untakenDerivations()).toBe(0);
  });

  it('starts nothing for a folder that is not registered', async () => {
    await registerVault('passphrase');
    startUnlockEarly(join(home, 'elsewhere'), { COFFER_HOME: home, COFFER_PASSPHRASE: PASS });
    expect(untakenDerivations()).toBe(0);
  });
});

// The same through the bundled CLI: the early start never changes what an open decides.
describe('coffer sync of a passphrase vault, with the early unlock', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('still refuses a wrong passphrase, and follows a passphrase changed since the hint', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'first passphrase' };
    expect((await runCli(['init', sb.folder, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase'], env)).code).toBe(0);
    expect((await runCli(['sync', sb.folder], env)).code).toBe(0); // the first open saves the hint
    const wrong = await runCli(['sync', sb.folder], { ...env, COFFER_PASSPHRASE: 'not it' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase/i);
    expect((await runCli(['keys', 'change-passphrase'], { ...env, COFFER_NEW_PASSPHRASE: 'second passphrase' })).code).toBe(0);
    // A new salt: the early start uses the hint's old one, the open derives again from the slot's.
    await writeFile(join(sb.folder, 'b.txt'), 'beta');
    const synced = await runCli(['sync', sb.folder], { ...env, COFFER_PASSPHRASE: 'second passphrase' });
    expect(synced.stderr).toBe('');
    expect(synced.stdout).toMatch(/^Up to date: 1 uploaded/);
    expect((await runCli(['sync', sb.folder], env)).stderr).toMatch(/wrong passphrase/i);
  });
});
