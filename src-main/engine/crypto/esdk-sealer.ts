import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import {
  buildClient,
  CommitmentPolicy,
  AlgorithmSuiteIdentifier,
  type KeyringNode,
} from './esdk.ts';
import { KeyUnavailableError, type KeyProvider } from '../ports/key-provider.ts';
import { OpenError, type ObjectContext, type Sealer } from '../ports/sealer.ts';
import { encryptionContextFor, sameContext } from './encryption-context.ts';
import { StoreError } from '../ports/store-errors.ts';
import { assertNoTrailingBytes, boundedMessage } from './message-bounds.ts';

/** 1 MiB frames: the SDK's default 4 KiB frames cost ~14x the throughput here (docs/FORMAT.md). */
export const FRAME_LENGTH = 1024 * 1024;
/** Committing suite without ECDSA signatures: every reader of a vault is also a writer (THREAT-MODEL). */
export const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
/** A message carries one EDK per wrapping key; more than this is a hostile header, not ours. */
const MAX_EDKS = 4;

const client = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  maxEncryptedDataKeys: MAX_EDKS,
});

/**
 * The Sealer over the AWS Encryption SDK message format. Keyrings come from the KeyProvider and are
 * fetched per call, so a rotation takes effect for the next object without restarting anything.
 */
export class EsdkSealer implements Sealer {
  constructor(private readonly keys: KeyProvider) {}

  seal(plaintext: Readable, ctx: ObjectContext): Readable {
    const out = new Transform({ transform: (chunk, _e, cb) => cb(null, chunk) });
    this.keys.encryptKeyring().then(
      (keyring) => {
        const enc = client.encryptStream(keyring, {
          suiteId: SUITE,
          frameLength: FRAME_LENGTH,
          encryptionContext: encryptionContextFor(ctx),
        });
        pipeline(plaintext, enc, out, () => undefined);
      },
      (err) => out.destroy(err),
    );
    return out;
  }

  open(ciphertext: Readable, ctx: ObjectContext): Readable {
    // pipeline() destroys `out` with the SDK's raw error before its callback runs, so the mapping to a
    // plain OpenError has to happen in `out`'s own destroy, or readers see "Unsupported state ...".
    const out = new Transform({
      transform: (chunk, _e, cb) => cb(null, chunk),
      destroy: (err, cb) => cb(err ? asOpenError(err, ctx) : null),
    });
    this.keys.decryptKeyring().then(
      (keyring) => {
        const dec = client.decryptUnsignedMessageStream(keyring);
        let headerChecked = false;
        dec.once('MessageHeader', (header: { encryptionContext: Record<string, string> }) => {
          // The header arrives before any frame, so a swapped object is refused before plaintext flows.
          if (!sameContext(header.encryptionContext, encryptionContextFor(ctx))) {
            dec.destroy(new OpenError(`object ${ctx.objectId} is not the object the manifest names (encryption context mismatch)`));
          } else headerChecked = true;
        });
        const guard = new Transform({
          transform(chunk, _e, cb) {
            if (!headerChecked) return cb(new OpenError(`object ${ctx.objectId}: plaintext before a verified header`));
            cb(null, chunk);
          },
        });
        pipeline(ciphertext, boundedMessage(ctx.objectId), dec, guard, out, (err) => {
          if (err) out.destroy(asOpenError(err, ctx));
        });
      },
      (err) => out.destroy(err),
    );
    return out;
  }

  async sealBytes(plaintext: Uint8Array, ctx: ObjectContext): Promise<Uint8Array> {
    const keyring: KeyringNode = await this.keys.encryptKeyring();
    const { result } = await client.encrypt(keyring, plaintext, {
      suiteId: SUITE,
      frameLength: FRAME_LENGTH,
      encryptionContext: encryptionContextFor(ctx),
    });
    return new Uint8Array(result.buffer, result.byteOffset, result.byteLength);
  }

  async openBytes(ciphertext: Uint8Array, ctx: ObjectContext): Promise<Uint8Array> {
    const keyring = await this.keys.decryptKeyring();
    let out;
    try {
      assertNoTrailingBytes(ciphertext, ctx.objectId);
      out = await client.decrypt(keyring, ciphertext);
    } catch (err) {
      throw asOpenError(err, ctx);
    }
    if (!sameContext(out.messageHeader.encryptionContext, encryptionContextFor(ctx))) {
      throw new OpenError(`object ${ctx.objectId} is not the object the manifest names (encryption context mismatch)`);
    }
    return new Uint8Array(out.plaintext.buffer, out.plaintext.byteOffset, out.plaintext.byteLength);
  }
}

function asOpenError(err: unknown, ctx: ObjectContext): Error {
  if (err instanceof OpenError) return err;
  const e = err as Error;
  // A key that cannot unwrap (KeyError and kin) already says in plain words which version is missing.
  if (e instanceof KeyUnavailableError || e?.name === 'KeyUnavailableError') return e;
  // A failed download is not damage: keep the store's own error (retryable or not) as it is.
  if (e instanceof StoreError) return e;
  const msg = String(e?.message ?? e);
  // Nor is a connection error the download stream raised unmapped (ECONNRESET, "aborted", an abort).
  if ((e as NodeJS.ErrnoException)?.code || e?.name === 'AbortError' || msg === 'aborted') return e;
  if (/unencryptedDataKey has not been set|Unable to decrypt data key/i.test(msg)) {
    return new OpenError(`object ${ctx.objectId}: no key available can unwrap its data key (wrong key or missing key version)`, { cause: err });
  }
  // The SDK's own words ("Unsupported state or unable to authenticate data", "Malformed Header") mean
  // nothing to a person; the raw text stays in `cause` for --debug.
  return new OpenError(`object ${ctx.objectId} (${ctx.kind}) is damaged: it does not authenticate (changed or cut short in the bucket)`, { cause: err });
}
