import type { BlobStore } from '../ports/blob-store.ts';
import type { Sealer } from '../ports/sealer.ts';
import { KeyUnavailableError } from '../ports/key-provider.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { membershipRef } from '../objects/object-ref.ts';
import { MEMBERSHIP_PREFIX } from '../objects/object-keys.ts';
import { bufferBody } from '../store/body.ts';
import type { MemberIdentity } from '../keys/index.ts';
import { signJws } from './jws.ts';
import { jwsHash, type VerifiedMembership } from './membership-chain.ts';
import type { Membership } from './membership-schema.ts';
import { MembershipError } from './team-errors.ts';

/** Two admins wrote the same membership version at once: this one lost; re-read, re-apply, retry. */
export class MembershipRaceError extends Error {
  constructor(version: number) {
    super(`another admin wrote membership version ${version} at the same time; read the team again and retry`);
    this.name = 'MembershipRaceError';
  }
}

/**
 * The membership versions in the bucket: team/m/<8 digits>, each the JWS text sealed with the vault key
 * (so the provider learns neither names nor keys), written create-only: a version is never replaced.
 */
export class MembershipStore {
  private readonly objects: SealedObjects;
  constructor(private readonly store: BlobStore, sealer: Sealer, vaultId: string) {
    this.objects = new SealedObjects({ store, sealer, vaultId });
  }

  async versions(): Promise<number[]> {
    const out: number[] = [];
    for await (const info of this.store.list(MEMBERSHIP_PREFIX)) {
      const m = /^team\/m\/([0-9]{8})$/.exec(info.key);
      if (m) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  /** The JWS texts of every version from `from` on (version -> text); `listed`: versions() just now. */
  async readFrom(from: number, listed?: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const v of listed ?? (await this.versions())) {
      if (v < from) continue;
      let plain: Uint8Array;
      try {
        plain = await this.objects.fetchBytes(membershipRef(v));
      } catch (cause) {
        if (cause instanceof KeyUnavailableError || (cause as Error).name === 'OpenError') {
          throw new MembershipError(`membership version ${v} does not open with this device's key: it is sealed under a key generation you do not hold (you may have been removed from this vault), or it was damaged`, { cause });
        }
        throw cause;
      }
      out.set(v, Buffer.from(plain).toString('utf8'));
    }
    return out;
  }

  /** Seals every version again under the vault key's current version (team reencrypt); returns how many. */
  async resealAll(): Promise<number> {
    const versions = await this.versions();
    for (const v of versions) {
      const ref = membershipRef(v);
      const plain = await this.objects.fetchBytes(ref);
      await this.objects.replace(ref, bufferBody(await this.objects.sealBytes(ref, plain)));
    }
    return versions.length;
  }

  /** Signs and stores `doc` as its version; MembershipRaceError when that version exists already. */
  async write(doc: Membership, signer: MemberIdentity): Promise<VerifiedMembership> {
    const jws = signJws(doc, signer);
    const ref = membershipRef(doc.version);
    const sealed = await this.objects.sealBytes(ref, Buffer.from(jws, 'utf8'));
    const { outcome } = await this.objects.putNew(ref, bufferBody(sealed));
    if (outcome === 'taken') throw new MembershipRaceError(doc.version);
    return { doc, jws, hash: jwsHash(jws) };
  }
}
