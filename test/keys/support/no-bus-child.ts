// Runs in a child process whose D-Bus address points nowhere (the keyring library keeps its first
// connection for the life of a process, so this cannot be tested in the worker itself).
// Prints one JSON line: what createVaultKey and openVaultKey threw, and what the store holds.
import { createVaultKey, openVaultKey } from '../../../src-main/engine/keys/index.ts';
import { makeContext } from './fixtures.ts';

const ctx = await makeContext();
const describeErr = (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message });
const create = await createVaultKey('keychain:nobus', ctx).then(() => null, describeErr);
const openErr = await openVaultKey('keychain:nobus', ctx).then(() => null, describeErr);
process.stdout.write(JSON.stringify({ create, open: openErr, objects: ctx.store.objects.size }) + '\n');
