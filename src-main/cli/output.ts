/** Everything the CLI prints goes through here: one clear line per error, JSON when asked. */
export interface Output {
  json: boolean;
  debug: boolean;
  info(line: string): void;
  result(human: string, data: unknown): void;
  progress(label: string, done: number, total: number, bytes?: number): void;
  endProgress(): void;
}

export function makeOutput(opts: { json: boolean; debug: boolean }, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
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
