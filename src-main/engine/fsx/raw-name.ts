/**
 * File names that are not valid UTF-8, kept byte-exact through a string-keyed engine.
 *
 * Linux names are bytes; Node decodes them to strings and silently replaces invalid sequences with
 * U+FFFD, so such a file could neither be read back nor restored under its own name. Inside the engine a
 * name is a JS string in which every byte that is not part of a valid UTF-8 sequence stands as the lone
 * surrogate U+DC80 + (byte - 0x80) (Python's "surrogateescape", PEP 383). Valid UTF-8 never decodes to a
 * lone surrogate, so the mapping is a bijection: valid names are their ordinary strings, '/' stays '/',
 * and paths keep working as Map keys. Such strings must reach the file system through `fsPath()` (exact
 * bytes), the manifest through `rawPath` (FORMAT.md §Names), and people through `displayName()`.
 */
import { isUtf8 } from 'node:buffer';

/** True when `s` holds an escaped byte (a lone surrogate), i.e. stands for a name that is not UTF-8. */
export function isRawName(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

// With the u flag a surrogate pair is one code point outside this range: only lone ones match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Name bytes to the engine's string form; the inverse of encodeName. */
export function decodeName(buf: Uint8Array): string {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isUtf8(b)) return b.toString('utf8');
  let out = '';
  let i = 0;
  while (i < b.length) {
    const n = validSequenceLength(b, i);
    if (n > 0) {
      out += b.toString('utf8', i, i + n);
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + b[i]!);
      i++;
    }
  }
  return out;
}

/** The exact bytes a name in the engine's string form stands for. */
export function encodeName(s: string): Buffer {
  if (!isRawName(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([cp - 0xdc00]));
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new Error(`not a file name: lone surrogate U+${cp.toString(16).toUpperCase()} is no escaped byte`);
    } else {
      run += ch;
    }
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** What to hand to node:fs for a path in the engine's string form: the string itself, or its exact bytes. */
export function fsPath(p: string): string | Buffer {
  return isRawName(p) ? encodeName(p) : p;
}

/**
 * True when a path typed by a person names `p` or a folder above it. A name that is not UTF-8 cannot be
 * typed exactly: it also answers to its display form (`caf\xE9.txt`, as the CLI prints it) and to the
 * form Node makes of its bytes in argv (U+FFFD for each bad sequence, as shell completion gives it).
 */
export function pathArgMatches(arg: string, p: string): boolean {
  return pathArgForms(p).some((f) => f === arg || f.startsWith(`${arg}/`));
}

/** The ways a person can type `p` (see pathArgMatches). */
export function pathArgForms(p: string): string[] {
  return isRawName(p) ? [p, displayName(p), encodeName(p).toString('utf8')] : [p];
}

/** A readable form for output and logs: each escaped byte as `\xHH`. Not reversible; never parse it. */
export function displayName(s: string): string {
  if (!isRawName(s)) return s;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0xdc80 && cp <= 0xdcff ? `\\x${(cp - 0xdc00).toString(16).toUpperCase().padStart(2, '0')}` : cp >= 0xd800 && cp <= 0xdfff ? '\uFFFD' : ch;
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or 0. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
