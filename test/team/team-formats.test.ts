// The team's small formats on their own: JCS, the JWS of a membership version, join codes (round trip and
// tampering, fast-check), member key references, and the chain rules on documents built in memory.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../src-main/engine/manifest/canonical-json.ts';
import { newMemberIdentity, parseKeyRef, formatKeyRef, parsePublicId, formatPublicId, publicIdentityOf, recipientOf, signPublicKey } from '../../src-main/engine/keys/index.ts';
import { encodeJoinCode, parseJoinCode, type JoinPayload } from '../../src-main/engine/team/join-code.ts';
import { signJws, parseJws, jwsSignatureValid } from '../../src-main/engine/team/jws.ts';
import { verifyChain, jwsHash } from '../../src-main/engine/team/membership-chain.ts';
import { firstMembership, withMember, withRole } from '../../src-main/engine/team/membership-edit.ts';

const VAULT = '0123456789abcdef0123456789abcdef';

describe('team formats', () => {
  it('JCS sorts keys recursively and drops nothing else', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":"é","z":1}]},"b":1}');
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
    }));
  });

  it('a join code round-trips, and changing any character of it is refused', async () => {
    const admin = await newMemberIdentity('aaaaaaaaaaaaaaaa');
    const payload: JoinPayload = {
      vaultId: VAULT, remote: 's3://bucket/team', memberId: 'bbbbbbbbbbbbbbbb', name: 'bob', role: 'writer',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(), creatorKey: signPublicKey(admin), issuedBy: admin.member,
    };
    const code = encodeJoinCode(payload, admin);
    const parsed = parseJoinCode(code, Date.now());
    expect(parsed.payload).toEqual(payload);
    expect(parsed.signedBy(signPublicKey(admin))).toBe(true);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(fc.property(fc.integer({ min: 'coffer-join1:'.length, max: code.length - 1 }), fc.constantFrom(...alphabet), (at, ch) => {
      if (code[at] === ch || code[at] === '.') return;
      const bad = code.slice(0, at) + ch + code.slice(at + 1);
      let verdict: string;
      try {
        verdict = parseJoinCode(bad, Date.now()).signedBy(signPublicKey(admin)) ? 'accepted' : 'bad signature';
      } catch (err) {
        verdict = (err as Error).name;
      }
      // base64url's last character may carry unused bits: a change there can decode to the same bytes.
      if (verdict === 'accepted') expect(Buffer.from(bad.split('.')[1]!, 'base64url')).toEqual(Buffer.from(code.split('.')[1]!, 'base64url'));
      else expect(['bad signature', 'MembershipError']).toContain(verdict);
    }), { numRuns: 200 });
    expect(() => parseJoinCode(code, Date.parse(payload.expiresAt) + 1)).toThrow(/expired on/);
  });

  it('public identities and member key references parse back to themselves', async () => {
    const id = await newMemberIdentity('cccccccccccccccc');
    const pub = await publicIdentityOf(id);
    expect(pub.recipient).toBe(await recipientOf(id));
    expect(parsePublicId(formatPublicId(pub))).toEqual(pub);
    expect(() => parsePublicId('age1xyz')).toThrow(/not a Coffer public identity/);
    for (const ref of [`member:${VAULT}`, `member:${VAULT}:/home/bob/.coffer-id`]) expect(formatKeyRef(parseKeyRef(ref))).toBe(ref);
    expect(() => parseKeyRef('member:nothex')).toThrow(/member:<vault id>/);
  });

  it('the chain: version 1 from the creator, later versions by an admin of the one before, a demoted admin signs nothing', async () => {
    const ann = await newMemberIdentity('aaaaaaaaaaaaaaaa');
    const bob = await newMemberIdentity('bbbbbbbbbbbbbbbb');
    const annPub = { id: ann.member, name: 'ann', signKey: signPublicKey(ann), recipient: await recipientOf(ann) };
    const v1doc = firstMembership(VAULT, annPub, 't1', 1);
    const v1 = { doc: v1doc, jws: signJws(v1doc, ann), hash: '' };
    v1.hash = jwsHash(v1.jws);
    const bobMember = { id: bob.member, name: 'bob', signKey: signPublicKey(bob), recipient: await recipientOf(bob), role: 'admin' as const, status: 'active' as const, addedAt: 't2', addedBy: ann.member };
    const v2doc = withMember(v1, bobMember, 't2');
    const v2 = { doc: v2doc, jws: signJws(v2doc, ann), hash: '' };
    v2.hash = jwsHash(v2.jws);
    const v3doc = withRole(v2, bob.member, 'writer', 't3');
    const v3 = { doc: v3doc, jws: signJws(v3doc, bob), hash: jwsHash(signJws(v3doc, bob)) };
    const texts = new Map([[1, v1.jws], [2, v2.jws], [3, v3.jws]]);
    expect(verifyChain(VAULT, texts, { creatorKey: signPublicKey(ann) })?.doc.version).toBe(3);
    // Version 4 signed by bob, who is a writer since version 3.
    const v4doc = withRole(v3, bob.member, 'admin', 't4');
    expect(() => verifyChain(VAULT, new Map([...texts, [4, signJws(v4doc, bob)]]), { creatorKey: signPublicKey(ann) }))
      .toThrow(/signed by bob, who was not an active admin in version 3/);
    // Another creator key pinned: version 1 is refused.
    expect(() => verifyChain(VAULT, texts, { creatorKey: signPublicKey(bob) })).toThrow(/not signed by the vault's creator/);
    // A gap.
    expect(() => verifyChain(VAULT, new Map([[1, v1.jws], [3, v3.jws]]), { creatorKey: signPublicKey(ann) })).toThrow(/version 2 is missing/);
    const parsed = parseJws(v2.jws, 'v2');
    expect(jwsSignatureValid(parsed, signPublicKey(ann))).toBe(true);
    expect(jwsSignatureValid(parsed, signPublicKey(bob))).toBe(false);
    expect(() => parseJws(`${Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')}.e30.`, 'x')).toThrow(/unexpected JWS header/);
  });
});
