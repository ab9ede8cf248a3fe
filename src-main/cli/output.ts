import { displayName } from '../engine/fsx/raw-name.ts';

/** Everything the CLI prints goes through here: one clear line per error, JSON when asked. */
export interface Output {
  json: boolean;
  debug: boolean;
  info(line: string): void;
  result(human: string, data: unknown): void;
  progress(label: string, done: number, total: number, bytes?: number): void;
  endProgress(): void;
}

export function makeOutput(opts: { json: boolean; debug: boolean }, stdout = process.stdout, stderr = process.stderr): Output {
  const tty = !!stderr.isTTY && !opts.json;
  let shown = false;
  return {
    ...opts,
    info: (line) => {
      if (!opts.json) stdout.write(`${line}\n`);
    },
    result: (human, data) => {
      stdout.write(opts.json ? `${JSON.stringify(data, null, 2)}\n` : human ? `${human}\n` : '');
    },
    progress: (label, done, total, bytes) => {
      if (!tty) return;
      const width = 30;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const mb = bytes !== undefined ? ` ${(bytes / 1e6).toFixed(1)} MB` : '';
      stderr.write(`\r${label} [${bar}] ${done}/${total}${mb}`);
      shown = true;
    },
    endProgress: () => {
      if (shown) stderr.write('\n');
      shown = false;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** A path for people: bytes that are not UTF-8 shown as \xHH (fsx/raw-name.ts). */
export function showPath(p: string): string {
  return displayName(p);
}

/** The files a pass left out of the vault, named (at most `max`), or '' when there are none. */
export function notStoredLines(problems: readonly { path: string; reason: string }[], max = 20): string {
  if (problems.length === 0) return '';
  const lines = problems.slice(0, max).map((p) => `  ${showPath(p.path)}: ${p.reason}`);
  if (problems.length > max) lines.push(`  … and ${problems.length - max} more (coffer status --json lists them all)`);
  return `\n${problems.length} ${problems.length === 1 ? 'file is' : 'files are'} not in the vault:\n${lines.join('\n')}`;
}
