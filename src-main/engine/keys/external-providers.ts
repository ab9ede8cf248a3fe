import type { KeyContext } from './index.ts';
import type { KeyRef } from './key-ref.ts';
import { KeyUsageError } from './key-errors.ts';
import type { ManagedKey } from './managed-key.ts';

/**
 * aws-kms and pkcs11 keys live in their own modules (another owner). They are loaded on demand so a
 * build without them, or a machine without their native parts, still runs keychain and passphrase.
 */
export async function openExternalKey(parsed: KeyRef, ref: string, ctx: KeyContext): Promise<ManagedKey> {
  const fn = parsed.provider === 'aws-kms' ? 'openKmsKey' : 'openPkcs11Key';
  let mod: Record<string, unknown>;
  try {
    // Literal specifiers, so a bundler keeps each one a lazily loaded chunk of the same module graph.
    mod = (parsed.provider === 'aws-kms' ? await import('./kms/index.ts') : await import('./pkcs11/index.ts')) as Record<string, unknown>;
  } catch (cause) {
    throw new KeyUsageError(`${parsed.provider} keys are not available in this build of Coffer`, { cause });
  }
  const open = mod[fn];
  if (typeof open !== 'function') throw new KeyUsageError(`${parsed.provider} keys are not available in this build of Coffer`);
  return (open as (r: string, c: KeyContext) => Promise<ManagedKey>)(ref, ctx);
}
