/**
 * Reads which key versions wrapped an object's data key, from the Encryption SDK message header alone
 * (docs/FORMAT.md §3.3), without unwrapping anything. Rewrap uses it to skip objects already wrapped
 * under the target version, and tests use it to prove that no EDK of an old version is left.
 */
export interface HeaderEdk {
  providerId: string;
  /** Decoded as latin1: the raw-AES layout appends binary (tag length, IV) after the key name. */
  providerInfo: string;
}

/** Parses the EDKs of a version-2 message header (the only version Coffer writes). */
export function headerEdks(message: Uint8Array): HeaderEdk[] {
  const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > buf.length) throw new Error('not an Encryption SDK message: the header is cut short');
  };
  const u16 = () => {
    need(2);
    const v = buf.readUInt16BE(at);
    at += 2;
    return v;
  };
  const bytes = (n: number) => {
    need(n);
    const v = buf.subarray(at, at + n);
    at += n;
    return v;
  };
  need(1);
  if (buf[0] !== 0x02) throw new Error(`not a version-2 Encryption SDK message (version byte ${buf[0]})`);
  at = 1 + 2 + 32; // version, suite id, message id
  bytes(u16()); // encryption context
  const count = u16();
  const out: HeaderEdk[] = [];
  for (let i = 0; i < count; i++) {
    const providerId = bytes(u16()).toString('utf8');
    const providerInfo = bytes(u16()).toString('latin1');
    bytes(u16()); // the wrapped data key
    out.push({ providerId, providerInfo });
  }
  return out;
}

/**
 * The key version named by an EDK: `vault-key/v<N>` (keychain, passphrase, recovery), `.../v<N>`
 * (PKCS#11, RSA). Null when the provider keeps versions to itself (AWS KMS ARNs).
 */
export function edkKeyVersion(edk: HeaderEdk): number | null {
  const local = /^vault-key\/v(\d+)\u0000/.exec(edk.providerInfo);
  if (local) return Number(local[1]);
  const named = /\/v(\d+)$/.exec(edk.providerInfo);
  return named ? Number(named[1]) : null;
}

/** The versions an object's data key is wrapped under (one per EDK Coffer can name). */
export function messageKeyVersions(message: Uint8Array): number[] {
  return headerEdks(message).map(edkKeyVersion).filter((v): v is number => v !== null);
}
