import { readFile } from 'node:fs/promises';
import type { PhaseRecorder, VaultEnv } from '../engine/api.ts';
import type { Output } from './output.ts';
import { promptSecret } from './prompt.ts';

/** What every command gets: parsed flags, positional args, output, and the engine environment. */
export interface CommandContext {
  args: string[];
  flags: Record<string, string | boolean | undefined>;
  out: Output;
  env: VaultEnv;
  /** The run's phase timings (env.phases), printed by `coffer sync --debug`. */
  phases?: PhaseRecorder;
}

/** Loads the engine (the AWS SDKs are heavy): called once a command runs, so `coffer --help` stays instant. */
export async function engineEnv(): Promise<VaultEnv & { phases: PhaseRecorder }> {
  const { cofferHome, PhaseRecorder } = await import('../engine/api.ts');
  return {
    home: cofferHome(),
    phases: new PhaseRecorder(() => performance.now()),
    passphrase: async () => process.env.COFFER_PASSPHRASE ?? promptSecret('Coffer passphrase: '),
  };
}

/** `--recovery-key @file` reads the key from a file (kept out of shell history): a bare key or a recovery kit. */
export async function readSecretArg(value: string): Promise<string> {
  if (!value.startsWith('@')) return value.trim();
  const text = await readFile(value.slice(1), 'utf8');
  return (/^recovery key:\s*(\S+)/m.exec(text)?.[1] ?? text).trim();
}

export function str(flags: CommandContext['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Resolves on Ctrl-C or SIGTERM: long-running commands (watch, ui) then finish cleanly and exit 0. */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
