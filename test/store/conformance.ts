// The one BlobStore conformance suite (restic's backend tests): every store and every wrapper runs it.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobInfo, BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import {
  NotFoundError, PreconditionFailedError, StoreError, UnsupportedError,
} from '../../src-main/engine/ports/store-errors.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';

export interface StoreUnderTest {
  store: BlobStore;
  cleanup(): Promise<void>;
  /** For read-only wrappers: the store the suite writes through (reads still go through `store`). */
  writer?: BlobStore;
}

export interface ConformanceOptions {
  /** Keys written for the pagination test; above 1000 crosses an S3 list page. */
  manyKeys?: number;
  /**
   * The store keeps the SHA-256 a put gives and reports it from head(). False for Ceph RGW 16, which
   * accepts x-amz-checksum-sha256 and drops it; then head() must report none rather than a wrong one.
   */
  keepsChecksums?: boolean;
}

export function describeBlobStoreConformance(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: ConformanceOptions = {},
): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: BlobStore;
    let w: BlobStore;
    let n = 0;
    // Every test works under its own namespace, so one store serves the whole suite.
    const ns = () => `t${++n}-${randomBytes(3).toString('hex')}/`;
    const text = async (key: string, range?: { start: number; end: number }) =>
      (await readAll(await store.get(key, range ? { range } : {}))).toString();
    const keysOf = async (prefix: string) => {
      const out: BlobInfo[] = [];
      for await (const b of store.list(prefix)) out.push(b);
      return out;
    };

    beforeAll(async () => {
      sut = await makeStore();
      store = sut.store;
      w = sut.writer ?? sut.store;
    });
    afterAll(async () => sut?.cleanup());

    it('put then get returns the same bytes, and head reports size and the put etag', async () => {
      const k = `${ns()}obj`;
      const data = randomBytes(200_000);
      const { etag } = await w.put(k, bufferBody(data));
      expect(etag).toBeTruthy();
      expect((await readAll(await store.get(k))).equals(data)).toBe(true);
      const info = await store.head(k);
      expect(info).toMatchObject({ key: k, size: data.length, etag });
    });

    it('overwrite replaces the whole object and changes the etag', async () => {
      const k = `${ns()}obj`;
      const first = await w.put(k, bufferBody('first version, longer'));
      const second = await w.put(k, bufferBody('second'));
      expect(await text(k)).toBe('second');
      expect(second.etag).not.toBe(first.etag);
      expect((await store.head(k))?.size).toBe(6);
    });

    it('get of a missing key throws NotFoundError; head returns null', async () => {
      const k = `${ns()}missing`;
      await expect(store.get(k)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.head(k)).toBeNull();
    });

    it('delete removes the object and is idempotent', async () => {
      const k = `${ns()}obj`;
      await w.put(k, bufferBody('x'));
      await w.delete(k);
      expect(await store.head(k)).toBeNull();
      await expect(store.get(k)).rejects.toBeInstanceOf(NotFoundError);
      await expect(w.delete(k)).resolves.toBeUndefined();
      await expect(w.delete(`${ns()}never-existed`)).resolves.toBeUndefined();
    });

    it('ranges are inclusive; an end past the object is clamped; a start past it fails', async () => {
      const k = `${ns()}obj`;
      await w.put(k, bufferBody('0123456789abcdef'));
      expect(await text(k, { start: 0, end: 0 })).toBe('0');
      expect(await text(k, { start: 3, end: 7 })).toBe('34567');
      expect(await text(k, { start: 10, end: 1000 })).toBe('abcdef');
      await expect(text(k, { start: 16, end: 20 })).rejects.toBeInstanceOf(StoreError);
      await expect(text(k, { start: 5, end: 2 })).rejects.toBeInstanceOf(StoreError);
    });

    it('get tells the etag it serves, and with ifMatch serves only that version', async () => {
      const k = `${ns()}obj`;
      const v1 = await w.put(k, bufferBody('version one'));
      const told: string[] = [];
      expect((await readAll(await store.get(k, { onEtag: (e) => told.push(e) }))).toString()).toBe('version one');
      expect(told).toEqual([(await store.head(k))!.etag]);
      expect((await readAll(await store.get(k, { ifMatch: told[0]!, range: { start: 8, end: 10 } }))).toString()).toBe('one');
      await w.put(k, bufferBody('version two'));
      await expect(store.get(k, { ifMatch: told[0]!, range: { start: 8, end: 10 } })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(v1.etag).toBeTruthy();
    });

    describe('conditional read (getIfChanged)', () => {
      it('is null while the etag is current, and serves the new bytes and etag once the key changed', async () => {
        const k = `${ns()}head`;
        const v1 = await w.put(k, bufferBody('version one'));
        const e1 = (await store.head(k))!.etag!;
        expect(e1).toBe(v1.etag);
        expect(await store.getIfChanged(k, e1)).toBeNull();
        expect(await store.getIfChanged(k, e1)).toBeNull();
        const v2 = await w.put(k, bufferBody('version two, longer'));
        const changed = await store.getIfChanged(k, e1);
        expect(changed).not.toBeNull();
        expect((await readAll(changed!.body)).toString()).toBe('version two, longer');
        expect(changed!.etag).toBe(v2.etag);
        expect(changed!.etag).toBe((await store.head(k))?.etag);
        // The etag it served is the one that now reads as unchanged.
        expect(await store.getIfChanged(k, changed!.etag)).toBeNull();
      });

      it('an etag the key never had serves the current version, a 0-byte one included', async () => {
        const k = `${ns()}obj`;
        const { etag } = await w.put(k, bufferBody(new Uint8Array(0)));
        const other = await w.put(`${ns()}other`, bufferBody('other'));
        const got = await store.getIfChanged(k, other.etag);
        expect(got?.etag).toBe(etag);
        expect((await readAll(got!.body)).length).toBe(0);
      });

      it('a missing or deleted key throws NotFoundError, never "unchanged"', async () => {
        const k = `${ns()}obj`;
        await expect(store.getIfChanged(k, '"0123456789abcdef0123456789abcdef"')).rejects.toBeInstanceOf(NotFoundError);
        const { etag } = await w.put(k, bufferBody('x'));
        await w.delete(k);
        await expect(store.getIfChanged(k, etag)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('a larger object comes whole', async () => {
        const k = `${ns()}big`;
        const data = randomBytes(300_000);
        await w.put(k, bufferBody(data));
        const got = await store.getIfChanged(k, '"not-its-etag"');
        expect((await readAll(got!.body)).equals(data)).toBe(true);
      });
    });

    it('0-byte objects round-trip and are listed', async () => {
      const p = ns();
      await w.put(`${p}empty`, bufferBody(new Uint8Array(0)));
      expect((await readAll(await store.get(`${p}empty`))).length).toBe(0);
      expect((await store.head(`${p}empty`))?.size).toBe(0);
      expect((await keysOf(p)).map((b) => [b.key, b.size])).toEqual([[`${p}empty`, 0]]);
    });

    it('list yields every key under a prefix once, with sizes, and only those keys', async () => {
      const p = ns();
      const keys = [`${p}a/1`, `${p}a/2`, `${p}a/deep/3`, `${p}ab/4`, `${p}b/5`, `${p}a.txt`];
      await Promise.all(keys.map((k, i) => w.put(k, bufferBody('x'.repeat(i + 1)))));
      const sorted = async (prefix: string) => (await keysOf(prefix)).map((b) => b.key).sort();
      expect(await sorted(`${p}a/`)).toEqual([`${p}a/1`, `${p}a/2`, `${p}a/deep/3`]);
      expect(await sorted(`${p}a`)).toEqual([`${p}a.txt`, `${p}a/1`, `${p}a/2`, `${p}a/deep/3`, `${p}ab/4`].sort());
      expect(await sorted(p)).toEqual([...keys].sort());
      expect(await sorted(`${p}zzz`)).toEqual([]);
      const sizes = new Map((await keysOf(p)).map((b) => [b.key, b.size]));
      keys.forEach((k, i) => expect(sizes.get(k)).toBe(i + 1));
      const listed = (await keysOf(`${p}b/`))[0];
      expect(listed?.etag).toBe((await store.head(`${p}b/5`))?.etag);
    });

    it('lists many keys across pages, each exactly once', async () => {
      const p = ns();
      const count = options.manyKeys ?? 1005;
      const keys = Array.from({ length: count }, (_, i) => `${p}k${String(i).padStart(5, '0')}`);
      for (let i = 0; i < keys.length; i += 32) {
        await Promise.all(keys.slice(i, i + 32).map((k) => w.put(k, bufferBody(''))));
      }
      const seen = (await keysOf(p)).map((b) => b.key);
      expect(seen.length).toBe(count);
      expect(new Set(seen)).toEqual(new Set(keys));
    });

    it('long keys with unicode and many segments round-trip', async () => {
      const p = ns();
      const k = `${p}${'é'.repeat(100)}/${'x'.repeat(200)}/${'日本'.repeat(30)}/${'y'.repeat(150)}`;
      await w.put(k, bufferBody('long'));
      expect(await text(k)).toBe('long');
      expect((await keysOf(p)).map((b) => b.key)).toEqual([k]);
    });

    it('rejects unsafe keys with a clear error', async () => {
      for (const bad of ['../escape', '/abs', 'a//b', 'a/../b', '', 'a/./b']) {
        await expect(Promise.resolve().then(() => w.put(bad, bufferBody('x')))).rejects.toThrow(/invalid store key|read-only/);
        await expect(Promise.resolve().then(() => store.get(bad))).rejects.toThrow(/invalid store key/);
      }
    });

    it('concurrent puts of different keys all land; of one key, one whole version wins', async () => {
      const p = ns();
      const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(10_000 + i));
      await Promise.all(bodies.map((b, i) => w.put(`${p}k${i}`, bufferBody(b))));
      for (const [i, b] of bodies.entries()) expect((await readAll(await store.get(`${p}k${i}`))).equals(b)).toBe(true);
      await Promise.all(bodies.map((b) => w.put(`${p}same`, bufferBody(b))));
      const got = await readAll(await store.get(`${p}same`));
      const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(bodies.map(digest)).toContain(digest(got));
    });

    it('an already-aborted signal stops put before anything is stored', async () => {
      const k = `${ns()}obj`;
      const ac = new AbortController();
      ac.abort();
      await expect(w.put(k, bufferBody('never'), { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
      expect(await store.head(k)).toBeNull();
    });

    describe('checksums', () => {
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

      it('a put with checksumSha256 stores the bytes; head reports that checksum, or none if the store keeps none', async () => {
        const k = `${ns()}obj`;
        const data = randomBytes(5000);
        await w.put(k, bufferBody(data), { checksumSha256: sha(data) });
        expect((await readAll(await store.get(k))).equals(data)).toBe(true);
        const info = await store.head(k);
        if (options.keepsChecksums === false) expect(info?.checksumSha256).toBeUndefined();
        else expect(info?.checksumSha256).toBe(sha(data));
      });

      it('a put whose checksumSha256 does not match its bytes fails and stores nothing', async () => {
        const k = `${ns()}obj`;
        const data = randomBytes(5000);
        const err = await w.put(k, bufferBody(data), { checksumSha256: sha(Buffer.from('other bytes')) }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect(String(err)).toMatch(/SHA-256|read-only/);
        expect(await store.head(k)).toBeNull();
      });

      it('an overwrite without a checksum leaves no stale checksum behind', async () => {
        const k = `${ns()}obj`;
        const first = randomBytes(3000);
        await w.put(k, bufferBody(first), { checksumSha256: sha(first) });
        await w.put(k, bufferBody(randomBytes(3000)));
        expect((await store.head(k))?.checksumSha256).toBeUndefined();
      });

      it('an etag claimed as md5Etag is the MD5 of the bytes', async () => {
        const k = `${ns()}obj`;
        const data = randomBytes(4000);
        const res = await w.put(k, bufferBody(data), { checksumSha256: sha(data) });
        if (res.md5Etag) expect(res.etag).toBe(createHash('md5').update(data).digest('hex'));
        else expect(res.etag).not.toBe(createHash('md5').update(data).digest('hex'));
        expect((await store.head(k))?.etag).toBe(res.etag);
      });
    });

    describe('conditional writes', () => {
      it('ifNoneMatch "*" creates only; a failed condition changes nothing', async () => {
        const k = `${ns()}obj`;
        if (!w.features.conditionalWrite) {
          await expect(w.put(k, bufferBody('x'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(UnsupportedError);
          return;
        }
        await w.put(k, bufferBody('one'), { ifNoneMatch: '*' });
        await expect(w.put(k, bufferBody('two'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await text(k)).toBe('one');
      });

      it('ifMatch replaces only the version it names', async () => {
        if (!w.features.conditionalWrite) return;
        const k = `${ns()}obj`;
        const v1 = await w.put(k, bufferBody('v1'));
        const v2 = await w.put(k, bufferBody('v2'), { ifMatch: v1.etag });
        expect(await text(k)).toBe('v2');
        await expect(w.put(k, bufferBody('v3'), { ifMatch: v1.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await text(k)).toBe('v2');
        expect((await store.head(k))?.etag).toBe(v2.etag);
        await expect(w.put(`${ns()}absent`, bufferBody('x'), { ifMatch: v1.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      });

      it('racing creates of one key: exactly one wins', async () => {
        if (!w.features.conditionalWrite) return;
        const k = `${ns()}race`;
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => w.put(k, bufferBody(`writer ${i}`), { ifNoneMatch: '*' })),
        );
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
        expect(await text(k)).toBe(`writer ${won[0]}`);
      });
    });
  });
}
