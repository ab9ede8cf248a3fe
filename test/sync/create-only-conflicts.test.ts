// A create-only put of an id this device chose meets an object already there: adopted when it is the
// same bytes (a lost answer), moved to a fresh id when it is not. Never a permanent failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedKeyProvider } from '../support/fixed-key.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { ObjectWriter } from '../../src-main/engine/sync/object-writer.ts';
import { putOwnObject } from '../../src-main/engine/store/own-object-put.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import { RetryingStore } from '../../src-main/engine/store/retrying-store.ts';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { FakeClock, seededRandom } from '../support/fake-clock.ts';

const vaultId = '0123456789abcdef0123456789abcdef';
const keys = fixedKeyProvider(3, vaultId);
const sealer = new EsdkSealer(keys);
const dirs: string[] = [];
const journals: FileJournal[] = [];
afterEach(async () => {
  await Promise.all(journals.splice(0).map((j) => j.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function writerOver(store: MemoryStore) {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-conflict-'));
  dirs.push(dir);
  const journal = await FileJournal.open(join(dir, 'state'));
  journals.push(journal);
  const writer = new ObjectWriter({ store, sealer, journal, vaultId, spoolDir: join(dir, 'spool'), random: seededRandom(9) });
  return { dir, journal, writer };
}

describe('putOwnObject', () => {
  it('a put whose answer was lost, retried, adopts the object it stored', async () => {
    const inner = new MemoryStore();
    const faulty = new FaultyStore(inner, { rules: [{ ops: ['put'], nth: 1, afterWrite: true }] });
    const store = new RetryingStore(faulty, { clock: new FakeClock(), random: seededRandom(1) });
    expect(await putOwnObject(store, 'objects/k', bufferBody('sealed bytes'), { ifNoneMatch: '*' })).toBe('adopted');
    expect(faulty.calls.put).toBe(2);
  });

  it('other bytes under the id, of the same size or not, are "taken" and left alone', async () => {
    const store = new MemoryStore();
    await store.put('a', bufferBody('xxxx'));
    await store.put('b', bufferBody('longer'));
    expect(await putOwnObject(store, 'a', bufferBody('yyyy'), { ifNoneMatch: '*' })).toBe('taken');
    expect(await putOwnObject(store, 'b', bufferBody('yyyy'), { ifNoneMatch: '*' })).toBe('taken');
    expect((await readAll(await store.get('a'))).toString()).toBe('xxxx');
  });
});

describe('ObjectWriter on a taken id', () => {
  it('stores a pack under a fresh id and journals the old one abandoned', async () => {
    const store = new MemoryStore();
    const { journal, writer } = await writerOver(store);
    const taken = 'aa'.repeat(16);
    await store.put(objectKey(taken), bufferBody(randomBytes(500)));
    const plain = Buffer.from('a small file');
    const stored = await writer.writePack(taken, plain, [{ path: 'f', hash: 'h', offset: 0, length: plain.length }]);
    expect(stored.objectId).not.toBe(taken);
    const opened = await sealer.openBytes(await readAll(await store.get(objectKey(stored.objectId))), { vaultId, objectId: stored.objectId, kind: 'pack' });
    expect(Buffer.from(opened).equals(plain)).toBe(true);
    const records = await journal.pending();
    expect(records).toContainEqual(expect.objectContaining({ type: 'abandoned', objectId: taken }));
    expect(records).toContainEqual({ type: 'uploaded', objectId: stored.objectId, size: stored.size });
  });

  it('seals a chunk again under a fresh id (the id is in its encryption context), padded as asked', async () => {
    const store = new MemoryStore();
    const { writer } = await writerOver(store);
    const taken = 'bb'.repeat(16);
    await store.put(objectKey(taken), bufferBody(randomBytes(700)));
    const plain = randomBytes(300 * 1024 + 1);
    const file = { path: 'big.bin', hash: 'c'.repeat(64), offset: 0, length: plain.length };
    const stored = await writer.writeChunk(taken, plain, file, (n) => n + 99);
    expect(stored.objectId).not.toBe(taken);
    const back = await readAll(sealer.open(await store.get(objectKey(stored.objectId)), { vaultId, objectId: stored.objectId, kind: 'data' }));
    expect(back.subarray(0, plain.length).equals(plain)).toBe(true);
    expect(back.subarray(plain.length).equals(Buffer.alloc(99))).toBe(true);
  });
});
