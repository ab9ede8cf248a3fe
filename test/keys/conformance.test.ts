import { createVaultKey, openVaultKey, openWithRecoveryKey, type ManagedKey } from '../../src-main/engine/keys/index.ts';
import { LocalManagedKey } from '../../src-main/engine/keys/managed-key.ts';
import { FileIdentityStore, memberCopy, newMemberIdentity, recipientOf, writeMemberSlot } from '../../src-main/engine/keys/index.ts';
import { join } from 'node:path';
import { describeKeyProviderConformance } from './conformance.ts';
import { keychainSkipReason, uniqueName } from './support/keychain-env.ts';
import { makeContext } from './support/fixtures.ts';

function secretsOf(key: ManagedKey): Uint8Array[] {
  if (!(key instanceof LocalManagedKey)) return [];
  const set = key.keySet();
  return [...set.versions.map((v) => v.key), ...(set.recoveryKey ? [set.recoveryKey] : [])];
}

function subject(key: ManagedKey) {
  return { provider: key, secrets: secretsOf(key), rotate: () => key.rotate() };
}

describeKeyProviderConformance('keychain', async () => {
  const ctx = await makeContext();
  const ref = `keychain:${uniqueName('conf')}`;
  await createVaultKey(ref, ctx);
  return subject(await openVaultKey(ref, ctx));
}, { skip: keychainSkipReason() });

describeKeyProviderConformance('passphrase', async () => {
  const ctx = await makeContext({ passphraseText: 'correct horse battery staple' });
  await createVaultKey('passphrase', ctx);
  return subject(await openVaultKey('passphrase', ctx));
});

describeKeyProviderConformance('recovery', async () => {
  const ctx = await makeContext({ passphraseText: 'p' });
  const { recoveryKey } = await createVaultKey('passphrase', ctx);
  return subject(await openWithRecoveryKey(recoveryKey, ctx));
});

// A team admin's key: the key set in their member slot (keys/members/<id>, age X25519), opened with their identity file.
describeKeyProviderConformance('member (team admin, identity file)', async () => {
  const ctx = await makeContext({ passphraseText: 'p', vaultId: '00112233445566778899aabbccddeeff' });
  const { key } = await createVaultKey('passphrase', ctx);
  const identity = await newMemberIdentity('0123456789abcdef');
  await writeMemberSlot(ctx.store, identity.member, await recipientOf(identity), memberCopy((key as LocalManagedKey).keySet(), { admin: true }));
  const file = join(ctx.stateDir, 'admin.identity');
  await new FileIdentityStore(file).write(identity);
  return subject(await openVaultKey(`member:${ctx.vaultId}:${file}`, ctx));
});
