import { describe, expect, it } from 'vitest';
import { emptyText, movedFrom, passSummary, who } from '../../src-renderer/lib/history-text.ts';

describe('history text', () => {
  it('says what a pass did, leaving out what it did not', () => {
    expect(passSummary('uploaded 2, renamed 0, deleted 1, pulled 0, conflicts 0, skipped 0, errors 0')).toBe('2 uploaded, 1 deleted');
    expect(passSummary('uploaded 1200, renamed 0, deleted 0, pulled 0, skipped 0, errors 3')).toBe('1,200 uploaded, 3 errors');
    expect(passSummary('uploaded 0, renamed 0, deleted 0, pulled 0, conflicts 0, skipped 0, errors 0')).toBe('nothing changed');
    expect(passSummary('key rotated')).toBe('key rotated');
  });

  it('finds where a file moved from in the entry, or in an older entry\'s reason', () => {
    expect(movedFrom({ time: '', action: 'rename', path: 'b', from: 'a' })).toBe('a');
    expect(movedFrom({ time: '', action: 'rename', path: 'b', reason: 'moved from dir/a b.txt; no upload needed' })).toBe('dir/a b.txt');
    expect(movedFrom({ time: '', action: 'upload', path: 'b', from: 'a' })).toBeUndefined();
  });

  it('names people and devices, and marks an id no name is known for', () => {
    expect(who({ time: '', action: 'pull', memberName: 'Bea', deviceName: 'studio', member: 'm1', device: 'd1' }).text).toBe('Bea · studio');
    expect(who({ time: '', action: 'pull', device: 'd-0123456789abcdef' })).toEqual({
      text: 'unknown device d-012345…', title: 'unknown device d-012345… (device id d-0123456789abcdef)',
    });
    expect(who({ time: '', action: 'upload' }).text).toBe('');
  });

  it('says what found nothing', () => {
    expect(emptyText('all', '', {})).toBe('Nothing synced yet.');
    expect(emptyText('errors', '', {})).toBe('No errors.');
    expect(emptyText('all', '  ', { from: '2026-11-01' })).toBe('Nothing synced in these dates.');
    expect(emptyText('deletes', 'tax', { to: '2026-11-01' })).toBe('No match for “tax” among deletions in these dates.');
  });
});
