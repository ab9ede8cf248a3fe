import { CommanderError, type Command } from 'commander';
import { makeOutput } from './output.ts';
import { engineEnv, type CommandContext } from './context.ts';
import { UsageError } from './prompt.ts';
import { buildProgram, type CommandBody } from './command-spec.ts';
import { applyHeapPolicy } from '../heap-policy.ts';

/** Thrown by commander for a usage error; `command` is the one whose usage to show. */
type ParseError = CommanderError & { command?: Command };

/**
 * The kebab-case flags a command body reads (`ctx.flags['allow-mass-delete']`), the command's own options
 * and the global ones. Options that were not given are absent, except those with a default.
 */
function flagsOf(command: Command): CommandContext['flags'] {
  const values = command.optsWithGlobals();
  const flags: CommandContext['flags'] = {};
  for (let c: Command | null = command; c; c = c.parent) {
    for (const o of c.options) {
      const v = values[o.attributeName()] as unknown;
      if (v !== undefined && o.long) flags[o.long.slice(2)] = v as string | boolean;
    }
  }
  return flags;
}

/** `coffer restore --to x` → "coffer restore"; the words a person types before the options. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function usageLines(command: Command | undefined): string {
  if (!command?.parent) return ''; // the program itself: the one line says "see coffer --help"
  const path = commandPath(command);
  return `Usage: ${path} ${command.usage()}\nRun "${path} --help" for its options.\n`;
}

/** Commands that open their vault's key first thing, whose scrypt may start before they load. */
const UNLOCKS_AT_ONCE = new Set(['coffer sync', 'coffer watch']);

/** Runs the CLI; returns the exit code. Errors are one clear line (and the command's usage) unless --debug. */
export async function main(argv: string[]): Promise<number> {
  applyHeapPolicy();
  let debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const out = makeOutput({ json, debug });
  let running: Command | undefined;
  let code = 0;
  const program = buildProgram(async (command, load, args) => {
    running = command;
    const flags = flagsOf(command);
    debug = flags.debug === true;
    const t0 = performance.now();
    // A passphrase vault's scrypt runs while the command's modules load (engine/early-unlock.ts).
    if (UNLOCKS_AT_ONCE.has(commandPath(command))) (await import('../engine/early-unlock.ts')).startUnlockEarly(args[0]);
    const body: CommandBody = await load();
    const t1 = performance.now();
    const { phases, ...engine } = await engineEnv();
    // Spans before the recorder existed (it comes with the engine): node and the CLI's own modules, the
    // command's module, the engine's modules. `coffer sync --debug` prints them with the pass's phases.
    phases.mark('start-up (node, the CLI)', t0);
    phases.mark('loading the command', t1 - t0);
    phases.mark('loading the engine', performance.now() - t1);
    const env = { ...engine, phases, ...(typeof flags.bwlimit === 'string' ? { bwlimitKiBps: Number(flags.bwlimit) } : {}) };
    code = await body({ args, flags, out, env, phases });
  });
  // Commander reports through an exception naming the command; main prints it (plain, or JSON).
  const tag = (command: Command) => {
    command.exitOverride((err: ParseError) => {
      err.command ??= command;
      throw err;
    });
    command.configureOutput({ outputError: () => {} });
    for (const c of command.commands) tag(c);
  };
  tag(program);
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help on any command is not a failure; a group without its subcommand ("coffer keys") printed
      // its help to stderr and is.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return 2;
      return usageFailure(err.message.replace(/^error: /, '').replace(/\n/g, ' '), (err as ParseError).command, json);
    }
    out.endProgress();
    if (debug) process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    // Loaded only now: the error texts know the engine's error classes (engine/errors.ts).
    const { describeError, isBadData, isWrongUse } = await import('./error-text.ts');
    if (err instanceof UsageError) return usageFailure(describeError(err, running?.name()), running, json);
    const text = describeError(err, running?.name());
    if (json) process.stdout.write(`${JSON.stringify({ error: text })}\n`);
    else process.stderr.write(`coffer: ${text}\n`);
    // Wrong use 2; a rolled-back or missing head is bad data in the bucket (3), like a damaged object; other errors 1.
    return isWrongUse(err) ? 2 : isBadData(err) ? 3 : 1;
  }
}

function usageFailure(message: string, command: Command | undefined, json: boolean): number {
  const hint = command?.parent ? '' : ' (see coffer --help)';
  if (json) process.stdout.write(`${JSON.stringify({ error: message + hint })}\n`);
  else process.stderr.write(`coffer: ${message}${hint}\n${usageLines(command)}`);
  return 2;
}
