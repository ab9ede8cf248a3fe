// A folder as the test vectors record it (expected.json): every entry by the exact bytes of its name,
// with type, size, permission bits, mtime, SHA-256 of the contents and symlink targets. The generator
// (scripts/make-vector.ts) lists the source tree with it; vectors.test.ts lists what a restore wrote.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';

export interface ListedEntry {
  /** The relative path when its bytes are valid UTF-8; otherwise absent and `pathBase64` holds them. */
  path?: string;
  pathBase64?: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits in octal ("0644"); symlinks have none. */
  mode?: string;
  size?: number;
  sha256?: string;
  mtimeMs?: number;
  target?: string;
  targetBase64?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `{ path }` for a name that is valid UTF-8, `{ pathBase64 }` for one that is not (FORMAT.md §5.1.1). */
function named(bytes: Buffer, text: 'path' | 'target'): Partial<ListedEntry> {
  try {
    return { [text]: strictUtf8.decode(bytes) };
  } catch {
    return { [`${text}Base64`]: bytes.toString('base64') };
  }
}

/** Every entry under `root`, depth first, names compared as bytes; the root itself is not listed. */
export async function listTree(root: string): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  const walk = async (dir: Buffer, rel: Buffer | null): Promise<void> => {
    const names = (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);
    for (const name of names) {
      const abs = Buffer.concat([dir, Buffer.from('/'), name]);
      const relPath = rel ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
      const st = await lstat(abs);
      const base = named(relPath, 'path');
      if (st.isSymbolicLink()) {
        out.push({ ...base, type: 'symlink', mtimeMs: Math.trunc(st.mtimeMs), ...named(await readlink(abs, { encoding: 'buffer' }), 'target') });
      } else if (st.isDirectory()) {
        out.push({ ...base, type: 'dir', mode: octal(st.mode) });
        await walk(abs, relPath);
      } else {
        const content = await readFile(abs);
        out.push({
          ...base, type: 'file', mode: octal(st.mode), size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'), mtimeMs: Math.trunc(st.mtimeMs),
        });
      }
    }
  };
  await walk(Buffer.from(root), null);
  return out;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
