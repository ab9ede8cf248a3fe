import { createVaultKey, openVaultKey, openWithRecoveryKey, type ManagedKey } from '../../src-main/engine/keys/index.ts';
import { LocalManagedKey } from '../../src-main/engine/keys/managed-key.ts';
import { describeKeyProviderConformance } from './conformance.ts';
import { keychainSkipReason, uniqueName } from './support/keychain-env.ts';
import { makeContext } from './support/fixtures.ts';

function secretsOf(key: ManagedKey): Uint8Array[] {
  if (!(key instanceof LocalManagedKey)) return [];
  const set = key.keySet();
  return [...set.versions.map((v) => v.key), set.recoveryKey];
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
