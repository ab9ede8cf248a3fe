import { StoreError } from '../ports/store-errors.ts';

/**
 * Every store accepts the same key shape, so a vault can move between stores: '/'-separated segments,
 * none empty, none '.' or '..' or over 255 bytes, no leading '/', no NUL or backslash. S3 itself would accept more; the
 * folder store could not map more safely.
 */
export function assertValidKey(key: string): void {
  const bad = (why: string): never => {
    throw new StoreError(`invalid store key ${JSON.stringify(key)}: ${why}`);
  };
  if (typeof key !== 'string' || key.length === 0) bad('empty');
  if (Buffer.byteLength(key) > 900) bad('longer than 900 bytes (S3 allows 1024 with the prefix)');
  if (key.startsWith('/')) bad('absolute (starts with /)');
  if (/[\0\\]/.test(key)) bad('contains NUL or backslash');
  for (const seg of key.split('/')) {
    if (seg === '') bad('empty path segment');
    if (seg === '.' || seg === '..') bad(`'${seg}' segment`);
    if (Buffer.byteLength(seg) > 255) bad('a segment longer than 255 bytes (a file name limit)');
  }
}

/** Normalises a store prefix to '' or 'a/b/' (keys are joined with it as plain strings). */
export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return '';
  assertValidKey(p);
  return `${p}/`;
}

/** Ranges are inclusive; an end past the object is clamped (as S3 does), a start past it is an error. */
export function assertValidRange(range: { start: number; end: number } | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new StoreError(`invalid byte range ${start}-${end}`);
  }
}
