import { crc32 } from 'node:zlib';

/**
 * One record per line: eight hex digits of CRC-32 over the JSON bytes, a space, the JSON, '\n'.
 * JSON.stringify never emits a raw newline, so '\n' is an unambiguous record end. A line counts only
 * when it is complete (newline included) and its checksum matches: that is how a torn write is seen.
 */
export function encodeLine(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const sum = crc32(json).toString(16).padStart(8, '0');
  return Buffer.concat([Buffer.from(`${sum} `, 'latin1'), json, Buffer.from('\n', 'latin1')]);
}

export interface DecodedLine {
  value: unknown;
  /** Byte offset just past this line's newline. */
  end: number;
  /** 1-based line number in the file. */
  lineNo: number;
}

export interface DecodeResult {
  lines: DecodedLine[];
  /** Byte offset after the last good line: everything past it is a torn tail to cut off. */
  goodEnd: number;
  /** Bad lines followed by good ones: damage inside the file, not a torn tail. 1-based line numbers. */
  corruptLines: number[];
}

const PREFIX = 9; // 8 hex digits and a space

export function decodeLine(line: Buffer): unknown | undefined {
  if (line.length <= PREFIX || line[8] !== 0x20) return undefined;
  const hex = line.subarray(0, 8).toString('latin1');
  if (!/^[0-9a-f]{8}$/.test(hex)) return undefined;
  const json = line.subarray(PREFIX);
  if (crc32(json) !== parseInt(hex, 16)) return undefined;
  try {
    return JSON.parse(json.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Splits a whole file into checked lines. A last line without its newline is torn by definition. */
export function decodeLines(buf: Buffer): DecodeResult {
  const lines: DecodedLine[] = [];
  const bad: number[] = [];
  let goodEnd = 0;
  let start = 0;
  let lineNo = 0;
  let lastGoodLine = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    lineNo++;
    const value = decodeLine(buf.subarray(start, nl));
    if (value === undefined) {
      bad.push(lineNo);
    } else {
      lines.push({ value, end: nl + 1, lineNo });
      goodEnd = nl + 1;
      lastGoodLine = lineNo;
    }
    start = nl + 1;
  }
  // Bad lines after the last good one are the torn tail; those before it are damage in the middle.
  return { lines, goodEnd, corruptLines: bad.filter((n) => n < lastGoodLine) };
}
