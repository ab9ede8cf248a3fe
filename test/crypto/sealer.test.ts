import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { fixedKeyProvider } from '../support/fixed-key.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { OpenError, type ObjectContext } from '../../src-main/engine/ports/sealer.ts';
import { readAll } from '../../src-main/engine/store/body.ts';

const provider = fixedKeyProvider;

const ctx: ObjectContext = { vaultId: '0123456789abcdef0123456789abcdef', objectId: 'fedcba9876543210fedcba9876543210', kind: 'data' };
const sealer = new EsdkSealer(provider(7));
const MiB = 1024 * 1024;

describe('EsdkSealer', () => {
  it('has the overhead docs/FORMAT.md §3.2 states: 375 bytes + 32 per full 1 MiB frame', async () => {
    for (const n of [0, 1, 1000, MiB - 1, MiB, MiB + 1, 3 * MiB]) {
      const sealed = await sealer.sealBytes(new Uint8Array(n), ctx);
      expect(sealed.length - n, `plaintext ${n}`).toBe(375 + 32 * Math.floor(n / MiB));
      expect(sealed[0]).toBe(0x02); // message format version 2
      expect(Buffer.from(sealed.subarray(1, 3)).readUInt16BE(0)).toBe(0x0478); // committing suite, no signature
    }
  });

  it('open(seal(x)) = x for any content (bytes and streams)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), async (x) => {
      const sealed = await sealer.sealBytes(x, ctx);
      expect(Buffer.from(await sealer.openBytes(sealed, ctx))).toEqual(Buffer.from(x));
      const streamed = await readAll(sealer.open(Readable.from([Buffer.from(sealed)]), ctx));
      expect(streamed).toEqual(Buffer.from(x));
    }), { numRuns: 50 });
  });

  it('streams a multi-frame object through seal and open', async () => {
    const data = Buffer.alloc(2 * MiB + 12345, 0xab);
    const sealed = await readAll(sealer.seal(Readable.from([data.subarray(0, MiB), data.subarray(MiB)]), ctx));
    expect(sealed.length).toBe(data.length + 375 + 64);
    // Buffer.equals, not toEqual: a deep compare of 2 MiB element by element takes seconds.
    expect((await readAll(sealer.open(Readable.from([sealed]), ctx))).equals(data)).toBe(true);
  });

  it('refuses an object opened under another object id, kind or vault (no swapping)', async () => {
    const sealed = await sealer.sealBytes(Buffer.from('payload'), ctx);
    for (const other of [{ ...ctx, objectId: '0'.repeat(32) }, { ...ctx, kind: 'pack' as const }]) {
      await expect(sealer.openBytes(sealed, other)).rejects.toBeInstanceOf(OpenError);
      await expect(readAll(sealer.open(Readable.from([Buffer.from(sealed)]), other))).rejects.toBeInstanceOf(OpenError);
    }
  });

  it('refuses a flipped bit anywhere, and a truncated message, without releasing plaintext of a bad frame', async () => {
    const sealed = Buffer.from(await sealer.sealBytes(Buffer.alloc(5000, 1), ctx));
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: sealed.length - 1 }), fc.integer({ min: 0, max: 7 }), async (i, bit) => {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 1 << bit;
      // The refusal is the sealer's own OpenError in one of its plain forms, never an SDK or runtime error.
      const err = await sealer.openBytes(bad, ctx).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(OpenError);
      expect((err as OpenError).message).toMatch(/is damaged: it does not authenticate|no key available can unwrap|is not the object the manifest names/);
    }), { numRuns: 60 });
    await expect(readAll(sealer.open(Readable.from([sealed.subarray(0, sealed.length - 10)]), ctx)))
      .rejects.toThrow(new RegExp(`^object ${ctx.objectId} \\(${ctx.kind}\\) is damaged: it does not authenticate`));
    // Streaming, a frame that does not authenticate releases none of its plaintext before the error.
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 20]! ^= 1;
    const emitted: Buffer[] = [];
    const drain = async () => {
      for await (const chunk of sealer.open(Readable.from([flipped]), ctx)) emitted.push(Buffer.from(chunk as Uint8Array));
    };
    await expect(drain()).rejects.toBeInstanceOf(OpenError);
    expect(Buffer.concat(emitted).length).toBe(0);
  });

  it('refuses a message wrapped under another key with a plain reason', async () => {
    const sealed = await new EsdkSealer(provider(9)).sealBytes(Buffer.from('x'), ctx);
    await expect(sealer.openBytes(sealed, ctx)).rejects.toThrow(/no key available can unwrap|failed authentication/);
  });
});
