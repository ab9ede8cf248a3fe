import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fsPath } from '../fsx/raw-name.ts';
import { FastCdc } from './fastcdc.ts';
import { chunkId, type ChunkerKeys } from './chunk-keys.ts';
import type { CutPool } from './cut-pool.ts';

export function chunkFile(abs: string, keys: ChunkerKeys, _opts: { pool?: CutPool } = {}): { chunks: AsyncIterable<{ offset: number; data: Buffer; id: string }>; sha256(): string } {
  const whole = createHash('sha256');
  let digest: string | null = null;
  async function* gen() {
    const cdc = new FastCdc(keys.gear);
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let offset = 0;
    const take = (n: number): Buffer => {
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
      const out = all.subarray(0, n);
      const rest = all.subarray(n);
      pending = rest.length ? [rest] : [];
      pendingLen = rest.length;
      return Buffer.from(out);
    };
    for await (const part of createReadStream(fsPath(abs), { highWaterMark: 1024 * 1024 })) {
      const buf = part as Buffer;
      whole.update(buf);
      pending.push(buf);
      pendingLen += buf.length;
      for (const n of cdc.push(buf)) {
        const data = take(n);
        yield { offset, data, id: chunkId(keys.idKey, data) };
        offset += n;
      }
    }
    const tail = cdc.finish();
    if (tail) {
      const data = take(tail);
      yield { offset, data, id: chunkId(keys.idKey, data) };
    }
    digest = whole.digest('hex');
  }
  return {
    chunks: gen(),
    sha256() {
      if (digest === null) throw new Error('internal: sha256 asked before the file was read');
      return digest;
    },
  };
}
