import { describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { FileAuditLog } from '../../src-main/engine/keys/audit-log.ts';
import { createVaultKey } from '../../src-main/engine/keys/index.ts';
import { makeContext, open, seal } from './support/fixtures.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { scratchParent } from '../support/scratch-root.ts';

async function logWith(n: number) {
  const dir = await mkdtemp(join(scratchParent(), 'coffer-audit-'));
  const log = new FileAuditLog(dir, new FakeClock());
  for (let i = 0; i < n; i++) await log.append({ op: 'rotate', key: 'keychain:t', version: i + 2 });
  return { dir, log, lines: async () => (await readFile(log.logPath, 'utf8')).split('\n').filter(Boolean) };
}

describe('audit log', () => {
  it('appends numbered entries that verify', async () => {
    const { log } = await logWith(3);
    expect((await log.list()).map((e) => [e.seq, e.op, e.version])).toEqual([[1, 'rotate', 2], [2, 'rotate', 3], [3, 'rotate', 4]]);
    expect(await log.verify()).toEqual({ ok: true });
    // A second instance (a restarted process) continues the chain.
    const again = new FileAuditLog(join(log.logPath, '..'), new FakeClock());
    await again.append({ op: 'create', key: 'k' });
    expect(await again.verify()).toEqual({ ok: true });
    expect((await again.list()).at(-1)?.seq).toBe(4);
  });

  it('detects an edited entry', async () => {
    const { log, lines } = await logWith(3);
    const l = await lines();
    l[1] = (l[1] as string).replace('"version":3', '"version":9');
    await writeFile(log.logPath, l.join('\n') + '\n');
    expect(await log.verify()).toMatchObject({ ok: false, line: 3 });
  });

  it('detects a removed entry in the middle', async () => {
    const { log, lines } = await logWith(3);
    const l = await lines();
    await writeFile(log.logPath, [l[0], l[2]].join('\n') + '\n');
    const v = await log.verify();
    expect(v).toMatchObject({ ok: false, line: 2 });
  });

  it('detects a truncated tail through the head file', async () => {
    const { log, lines } = await logWith(3);
    const l = await lines();
    await writeFile(log.logPath, l.slice(0, 2).join('\n') + '\n');
    expect(await log.verify()).toEqual({ ok: false, problem: 'the log was truncated: 3 entries recorded, 2 present' });
    await rm(log.headPath);
    expect(await log.verify()).toEqual({ ok: false, problem: 'the head file is missing' });
  });

  it('records wrap/unwrap once per version per session, and counts on flush', async () => {
    const ctx = await makeContext({ passphraseText: 'audit' });
    const { key } = await createVaultKey('passphrase', ctx);
    const sealed = [];
    for (let i = 0; i < 5; i++) sealed.push(await seal(await key.encryptKeyring(), `f${i}`));
    for (const s of sealed) await open(await key.decryptKeyring(), s.ciphertext);
    let entries = await ctx.audit.list();
    expect(entries.filter((e) => e.op === 'wrap').length).toBe(1);
    expect(entries.filter((e) => e.op === 'unwrap').length).toBe(1);
    await key.flushAudit();
    entries = await ctx.audit.list();
    expect(entries.filter((e) => e.detail === '5 uses this session').map((e) => e.op).sort()).toEqual(['unwrap', 'wrap']);
    expect(await ctx.audit.verify()).toEqual({ ok: true });
  });
});
