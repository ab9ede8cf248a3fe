// A reader that closes the CLI's output early (`coffer --help | head -1`) ends the CLI the way SIGPIPE
// ends other tools: exit 141 and no stack trace, rather than an unhandled EPIPE error.
import { describe, expect, it } from 'vitest';
import { startCli } from './cli-harness.ts';

describe('coffer with its output closed by the reader', () => {
  it('exits 141 without a stack trace', async () => {
    const child = startCli(['--help'], {});
    // Closed before the CLI has started (it writes only once loaded), so its first write fails.
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
