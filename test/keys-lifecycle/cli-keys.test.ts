import { afterEach, describe, expect, it, vi } from 'vitest';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { makeOutput } from '../../src-main/cli/output.ts';
import type { CommandContext } from '../../src-main/cli/context.ts';
import { keysCommand } from '../../src-main/cli/commands/keys.ts';
import { initCommand } from '../../src-main/cli/commands/init.ts';
import { main } from '../../src-main/cli/main.ts';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { sandbox, type Sandbox } from '../engine/harness.ts';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({ write(c, _e, cb) { text += String(c); cb(); } }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** Runs a command in-process with --json, returning its exit code and parsed output. */
async function run(sb: Sandbox, command: (ctx: CommandContext) => Promise<number>, args: string[], flags: CommandContext['flags'] = {}) {
  const out = sink();
  const err = sink();
  const code = await command({ args, flags: { json: true, ...flags }, out: makeOutput({ json: true, debug: false }, out.stream, err.stream), env: sb.env });
  return { code, data: JSON.parse(out.text()) as Record<string, unknown> };
}

/** init asks for a new passphrase (COFFER_PASSPHRASE without a terminal) and refuses a weak one. */
const PASSPHRASE = 'tangerine walrus quietly orbits 58';

describe('coffer keys create / rewrap, coffer init --sse (CLI commands)', () => {
  let sb: Sandbox;
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await sb?.cleanup();
  });

  async function vaultWithData(): Promise<void> {
    vi.stubEnv('COFFER_PASSPHRASE', PASSPHRASE);
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    await run(sb, initCommand, [sb.folder], { remote: `file://${join(sb.root, 'remote')}`, key: 'passphrase' });
    const vault = await LocalVault.open(sb.env, sb.folder);
    const s = new VaultSyncer(vault);
    await s.sync();
    await s.close();
    await vault.close();
  }

  it('x25519 is refused with the keys module\'s reason, through the real argument parser', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (errors.push(String(s)), true));
    expect(await main(['keys', 'create', '--type', 'x25519'])).toBe(1);
    expect(errors.join('')).toMatch(/x25519 keys are not supported: the AWS Encryption SDK has no X25519 keyring/);
    errors.length = 0;
    expect(await main(['keys', 'create', '--type', 'ed448'])).toBe(2);
    expect(errors.join('')).toMatch(/argument 'ed448' is invalid\. Allowed choices are aes-256, rsa-4096, x25519/);
  });

  it('init refuses --sse on a folder remote and an unknown mode', async () => {
    sb = await sandbox();
    const remote = `file://${join(sb.root, 'remote')}`;
    await expect(run(sb, initCommand, [sb.folder], { remote, key: 'passphrase', sse: 'c' })).rejects.toThrow(/applies to S3 only/);
    await expect(run(sb, initCommand, [sb.folder], { remote, key: 'passphrase', sse: 'kms' })).rejects.toThrow(/unknown --sse "kms"/);
  });

  it('create aes-256 adds a version; rewrap moves old objects to it; rsa-4096 saves a private key file', async () => {
    sb = await sandbox(PASSPHRASE);
    await vaultWithData();
    const created = await run(sb, keysCommand, ['create'], { type: 'aes-256' });
    expect(created.code).toBe(0);
    expect((created.data.versions as { version: number; current: boolean }[]).find((v) => v.current)?.version).toBe(2);

    await expect(run(sb, keysCommand, ['rewrap'], { to: '1' })).rejects.toThrow(/only the current key version \(2\)/);
    const first = await run(sb, keysCommand, ['rewrap']);
    expect(first.data).toMatchObject({ toVersion: 2 });
    expect(first.data.objects as number).toBeGreaterThan(0);
    expect((await run(sb, keysCommand, ['rewrap'], { to: '2' })).data).toMatchObject({ objects: 0 });

    await expect(run(sb, keysCommand, ['create'], { type: 'aes-256', provider: 'keychain:other' })).rejects.toThrow(/a vault has one key provider/);
    const file = join(sb.root, 'device.key.pem');
    const rsa = await run(sb, keysCommand, ['create'], { type: 'rsa-4096', out: file });
    expect(rsa.data).toMatchObject({ type: 'rsa-4096', privateKeyFile: file });
    expect(String(rsa.data.publicKeyPem)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const audit = await run(sb, keysCommand, ['audit']);
    expect((audit.data as unknown as { op: string }[]).map((e) => e.op)).toEqual(expect.arrayContaining(['rotate', 'rewrap', 'create']));
    expect((await run(sb, keysCommand, ['audit'], { verify: true })).code).toBe(0);
  });
});
