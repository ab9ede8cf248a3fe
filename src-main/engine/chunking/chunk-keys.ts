import { createHmac, hkdfSync } from 'node:crypto';

export interface ChunkerKeys {
  gear: Uint32Array;
  idKey: Buffer;
}

export function chunkKeys(secret: Uint8Array): ChunkerKeys {
  if (secret.length !== 32) throw new Error(`a chunking secret is 32 bytes, not ${secret.length}`);
  const g = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'coffer-cdc-gear-v1', 1024));
  const gear = new Uint32Array(256);
  for (let i = 0; i < 256; i++) gear[i] = g.readUInt32LE(i * 4);
  return { gear, idKey: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'coffer-chunk-id-v1', 32)) };
}

export function chunkId(idKey: Buffer, data: Buffer): string {
  return createHmac('sha256', idKey).update(data).digest('hex');
}
