import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, type KeyringNode } from '../../../src-main/engine/crypto/esdk.ts';
import type { RandomSource } from '../../../src-main/engine/ports/clock.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import type { KeyContext } from '../../../src-main/engine/keys/index.ts';
import { FileAuditLog } from '../../../src-main/engine/keys/audit-log.ts';
import { MemoryStore } from './memory-store.ts';
import { scratchParent } from '../../support/scratch-root.ts';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** Deterministic bytes: SHA-256 in counter mode over a seed. Tests only. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let off = 0; off < n; off += 32) {
      createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, off);
    }
    return new Uint8Array(out);
  };
}

/** Cheap scrypt for tests; the default cost is checked once in passphrase.test.ts. */
export const TEST_KDF = { N: 2 ** 12, r: 8, p: 1 };

export async function makeContext(over: Partial<KeyContext> & { passphraseText?: string } = {}): Promise<KeyContext & { store: MemoryStore; clock: FakeClock; audit: FileAuditLog }> {
  const stateDir = await mkdtemp(join(scratchParent(), 'coffer-keys-'));
  const clock = new FakeClock(Date.parse('2030-01-01T00:00:00Z'));
  const { passphraseText, ...rest } = over;
  return {
    vaultId: `vault-${Math.random().toString(36).slice(2, 10)}`,
    store: new MemoryStore(),
    stateDir,
    clock,
    random: seededRandom(stateDir),
    audit: new FileAuditLog(stateDir, clock),
    kdf: TEST_KDF,
    ...(passphraseText !== undefined ? { passphrase: async () => passphraseText } : {}),
    ...rest,
  } as KeyContext & { store: MemoryStore; clock: FakeClock; audit: FileAuditLog };
}

export const CTX = { purpose: 'test', 'coffer:object': 'abc' };

/** Seals a small message the way the Sealer does (committing suite, no signature). */
export async function seal(keyring: KeyringNode, text: string, ctx: Record<string, string> = CTX) {
  const { result, messageHeader } = await encrypt(keyring, Buffer.from(text), {
    encryptionContext: ctx,
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  });
  return { ciphertext: result, edks: messageHeader.encryptedDataKeys };
}

export async function open(keyring: KeyringNode, ciphertext: Uint8Array): Promise<string> {
  const { plaintext } = await decrypt(keyring, ciphertext);
  return plaintext.toString();
}
