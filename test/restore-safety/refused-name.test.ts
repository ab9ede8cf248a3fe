import { describe, expect, it } from 'vitest';
import { refusedName } from '../../src-main/engine/restore/refused-name.ts';

const fsError = (code: string) => Object.assign(new Error(`${code}: from the file system`), { code });

describe('refusedName: a FAT or NTFS target on Linux refusing a name only Windows forbids', () => {
  it.each([['docs/CON', '"CON" is a reserved device name'], ['notes.', '"notes." ends with a dot or space'], ['x:colon', 'Windows reads as drive X']])(
    'names the file system and the reason for %j',
    (path, detail) => {
      const text = refusedName(path, fsError('EINVAL'), '/mnt/usb/out');
      expect(text).toContain('the file system of /mnt/usb/out does not accept this name');
      expect(text).toContain(detail);
      expect(text).toContain('EINVAL');
    },
  );

  it('leaves other errors and ordinary names to the plain message', () => {
    expect(refusedName('docs/CON', fsError('ENOSPC'), '/out')).toBeNull();
    expect(refusedName('docs/readme.txt', fsError('EINVAL'), '/out')).toBeNull();
    expect(refusedName('CON', new Error('no code'), '/out')).toBeNull();
  });
});
