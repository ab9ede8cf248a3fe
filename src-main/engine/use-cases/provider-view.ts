import type { ProviderView } from '../ports/vault-service.ts';
import { DEVICES_PREFIX, MEMBERSHIP_PREFIX, OBJECTS_PREFIX } from '../objects/object-keys.ts';
import { MEMBER_SLOTS_PREFIX } from '../keys/member-slot.ts';
import type { LocalVault } from '../vault/local-vault.ts';
import { formatBytes } from './byte-units.ts';

/**
 * "What the provider can see" for the app: counted from the bucket's listing (what the provider sees too),
 * with what object sizes say under this device's padding setting (docs/THREAT-MODEL.md "Object sizes").
 */
export async function providerView(vault: LocalVault): Promise<ProviderView> {
  let count = 0, bytes = 0, first: Date | undefined, last: Date | undefined;
  for await (const o of vault.store.list(OBJECTS_PREFIX)) {
    count++;
    bytes += o.size;
    if (o.lastModified && (!first || o.lastModified < first)) first = o.lastModified;
    if (o.lastModified && (!last || o.lastModified > last)) last = o.lastModified;
  }
  const countUnder = async (prefix: string) => {
    let n = 0;
    for await (const _ of vault.store.list(prefix)) n++;
    return n;
  };
  const [devices, members, versions] = await Promise.all([countUnder(DEVICES_PREFIX), countUnder(MEMBER_SLOTS_PREFIX), countUnder(MEMBERSHIP_PREFIX)]);
  const padded = vault.settings.padding === 'padme';
  return {
    reveals: [
      { fact: 'Number of stored objects', value: String(count), count },
      // Sealed, but each is its own object under its own prefix: how many there are is visible.
      { fact: 'Number of devices (random ids; names are encrypted)', value: String(devices), count: devices },
      ...(members > 0 ? [
        { fact: 'Number of team members with a key slot (random ids; names are encrypted)', value: String(members), count: members },
        { fact: 'Number of membership changes', value: String(versions), count: versions },
      ] : []),
      // Every kept version of every file, sealed, with overhead (and padding): more than the dashboard's
      // plaintext size of the latest snapshot.
      { fact: 'Total stored bytes (ciphertext of every kept version)', value: formatBytes(bytes), bytes },
      {
        fact: 'Upload times', value: first && last ? `${first.toISOString()} to ${last.toISOString()}` : 'none yet',
        ...(first && last ? { times: { first: first.toISOString(), last: last.toISOString() } } : {}),
      },
      { fact: 'Size padding (this device\'s setting)', value: padded ? 'on (Padmé)' : 'off' },
      { fact: 'What object sizes reveal', value: padded ? SIZES_PADDED : SIZES_UNPADDED },
      // Padding applies to file content only (docs/FORMAT.md "Padding"); the manifest's objects are sealed as they are.
      { fact: 'Sizes of manifest segments, roots and the head (never padded)', value: 'roughly how many files and folders each manifest shard lists, and so about how many there are' },
      { fact: 'KMS logs (with a KMS key)', value: 'vault id, object id and time of each key use; no names' },
    ],
    hides: [
      'File and folder names', 'The folder tree', 'File contents', 'Sizes of small files (packed together)', 'Which objects belong to which file',
      ...(padded ? ['The exact size of each object (only its Padmé size shows)'] : []),
    ],
  };
}

const SIZES_PADDED = 'each file object\'s size only up to its Padmé size: one of a few sizes between two powers of two, at most 12 % more than it holds.'
  + ' How many objects there are, and when each is written, still show.';
const SIZES_UNPADDED = 'each file object\'s exact size: what it holds (a pack of small files, or one chunk of a large file) plus a fixed encryption overhead.'
  + ' Large files are cut into chunks at points keyed by this vault, so their sizes do not match another copy\'s chunking of a known file.'
  + ' Turn padding on in Settings to blur sizes.';
