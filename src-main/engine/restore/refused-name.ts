import { windowsNameProblem } from './safe-path.ts';

/** Errors a file system gives for a name it cannot hold (vfat and ntfs3 on Linux: EINVAL; some: EILSEQ). */
const NAME_ERRORS = new Set(['EINVAL', 'EILSEQ', 'ENAMETOOLONG', 'EPERM']);

/**
 * The per-file message when the target file system refused a name that Linux and macOS allow but
 * Windows does not ("aux.c", "CON", "notes."), restoring on Linux or macOS onto FAT or NTFS. Null when
 * the error is something else, which is then reported as it is.
 */
export function refusedName(relPath: string, err: unknown, toDir: string): string | null {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (!code || !NAME_ERRORS.has(code)) return null;
  for (const seg of relPath.split('/')) {
    const problem = windowsNameProblem(seg);
    if (problem) {
      return `the file system of ${toDir} does not accept this name (${problem.detail}; ${code}); `
        + 'restore it to a Linux or macOS file system (ext4, APFS, …), or rename it at the source';
    }
  }
  return null;
}
