import { Command, Option } from 'commander';
import type { CommandContext } from './context.ts';
import { AT_FORMS_HELP } from './at-time.ts';
import { percent, wholeNumber } from './option-values.ts';

/**
 * Every command's arguments, options and help, in one place. Only commander is imported here: a command's
 * module (and with it the AWS SDK) is loaded when the command runs, so `--help` and usage errors are
 * instant. `runCommand` gets the loaded body and the kebab-case flags (CommandContext).
 */
export type CommandBody = (ctx: CommandContext) => Promise<number>;
export type RunCommand = (command: Command, load: () => Promise<CommandBody>, args: string[]) => Promise<void>;

const opt = {
  folder: () => new Option('--folder <folder>', 'the Coffer folder (needed when there are several)'),
  remote: (what: string) => new Option('--remote <url>', what),
  key: (what: string) => new Option('--key <ref>', what),
  recoveryKey: () => new Option('--recovery-key <key|@file>', 'the recovery key, or @file for a file holding it (a recovery kit)'),
  endpoint: () => new Option('--endpoint <url>', 'an S3-compatible server instead of AWS (or AWS_ENDPOINT_URL_S3)'),
  profile: () => new Option('--profile <name>', 'AWS profile for the S3 credentials'),
  allowHttp: () => new Option('--allow-http', 'allow plain http to an endpoint that is not on this machine'),
  bwlimit: () => new Option('--bwlimit <KiB/s>', 'limit upload and download bandwidth for this run, e.g. 2048 for 2 MiB/s')
    .argParser(wholeNumber(1)),
  days: (what: string) => new Option('--days <n>', what).argParser(wholeNumber(0)),
  // Kept in step with PADDING_MODES (journal/settings-store.ts): this module loads no engine code.
  padding: (what: string) => new Option('--padding <mode>', what).choices(['off', 'padme']),
};

/** The remote-vault options of restore and verify: a new machine with only the bucket and a key. */
function fromBucket(cmd: Command, doing: string): Command {
  return cmd
    .addOption(opt.remote(`${doing} from this bucket alone (a new machine): s3://bucket[/prefix] or file:///abs/path`))
    .addOption(opt.key('with --remote: the key reference (keychain:<name>, passphrase, aws-kms:<key>, pkcs11:…)'))
    .addOption(opt.recoveryKey())
    .addOption(opt.endpoint()).addOption(opt.profile()).addOption(opt.allowHttp());
}

export function buildProgram(run: RunCommand): Command {
  const program = new Command('coffer')
    .description('Encrypt a folder on this machine and sync only ciphertext to S3 or a folder.')
    .option('--json', 'machine-readable output')
    .option('--debug', 'stack traces on errors; with sync, where the time went (phases, on stderr)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', [
      '',
      'Examples:',
      '  coffer init ~/Documents --remote s3://my-bucket/docs --key passphrase',
      '  coffer sync                              one pass; coffer watch keeps syncing',
      '  coffer join ~/Documents --remote s3://my-bucket/docs --key passphrase   (a second device)',
      '  coffer versions notes/letter.txt',
      '  coffer restore --to ~/restored --path notes --at 2d',
      '  coffer restore --remote s3://my-bucket/docs --recovery-key @kit.txt --to ~/restored   (a new machine)',
      '  coffer keys rotate',
      '',
      'Run "coffer <command> --help" for the options of a command, e.g. coffer restore --help.',
      'Paths on the command line are relative to the current folder.',
      'Environment: COFFER_HOME (state folder), COFFER_PASSPHRASE, COFFER_NEW_PASSPHRASE,',
      '  AWS_* (credentials, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS).',
      'Exit codes: 0 done, 1 failed, 2 wrong use of the command line, 3 done with problems (named in the output).',
    ].join('\n'));
  const leaf = (parent: Command, name: string, load: () => Promise<CommandBody>, prefix: string[] = []): Command => {
    const cmd = parent.command(name);
    cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      await run(self, load, [...prefix, ...self.args]);
    });
    return cmd;
  };
  const info = () => import('./commands/info.ts');

  leaf(program, 'init', async () => (await import('./commands/init.ts')).initCommand)
    .description('make a folder a Coffer folder: create its vault and key')
    .argument('<folder>', 'the folder to keep in the vault')
    .addOption(new Option('--remote <url>', 's3://bucket[/prefix] or file:///abs/path').makeOptionMandatory())
    .addOption(opt.key('where the vault key lives: keychain:<name> (default keychain:coffer) or passphrase (asked twice, or COFFER_PASSPHRASE); aws-kms:<key> or pkcs11:<token>/<key> for keys held outside Coffer'))
    .option('--recovery-kit <file>', 'also save the recovery kit to this new file')
    .option('--sse <mode>', 'S3 server-side encryption: none, aes256, aws:kms[:<key-id>] or c (customer key)')
    .option('--storage-class <class>', 'S3 storage class for data objects, e.g. STANDARD_IA')
    .option('--object-lock <mode:days>', 'S3 Object Lock on every write: governance:<days> or compliance:<days>')
    .addOption(opt.padding('pad stored objects so their sizes say less (default off; see coffer settings --help)'))
    .addOption(opt.endpoint()).addOption(opt.profile()).addOption(opt.allowHttp());

  leaf(program, 'join', async () => (await import('./commands/join.ts')).joinCommand)
    .description('make this machine another device of a vault that exists, and bring its files into a folder')
    .argument('<folder>', 'the folder to sync (created if missing; files already in it are merged, never overwritten)')
    .addOption(new Option('--remote <url>', 'the vault: s3://bucket[/prefix] or file:///abs/path').makeOptionMandatory())
    .addOption(opt.key('how this device opens the key: passphrase (the vault\'s passphrase), aws-kms:<key>, pkcs11:…'))
    .addOption(opt.recoveryKey())
    .option('--save-key <ref>', 'with --recovery-key: where this device keeps the key (keychain:<name> or passphrase)')
    .option('--name <device name>', 'this device\'s name in the vault (default: the host name)')
    .addOption(opt.endpoint()).addOption(opt.profile()).addOption(opt.allowHttp());

  leaf(program, 'sync', async () => (await import('./commands/sync.ts')).syncCommand)
    .description('one sync pass: store what changed, then exit')
    .argument('[folder]', 'the Coffer folder (default: the only one)')
    .option('--allow-mass-delete', 'go ahead when the pass would delete many files (otherwise it asks, or stops)')
    .option('--repack', 'after the pass, rewrite packs the vault now uses less than half of (otherwise done with the daily prune)')
    .addOption(opt.bwlimit());

  leaf(program, 'watch', async () => (await import('./commands/watch.ts')).watchCommand)
    .description('keep syncing as files change, until Ctrl-C')
    .argument('[folder]', 'the Coffer folder (default: the only one)')
    .addOption(opt.bwlimit());

  fromBucket(leaf(program, 'restore', async () => (await import('./commands/restore.ts')).restoreCommand)
    .description('write files from the vault into a folder')
    .argument('[folder]', 'the Coffer folder whose vault to read (default: the only one)')
    .addOption(new Option('--to <dir>', 'the folder to restore into (created if missing)').makeOptionMandatory())
    .option('--path <path>', 'only this file or folder: relative to the current folder when you are inside the Coffer folder, else to the vault\'s top')
    .option('--at <time>', `the vault as it was then: ${AT_FORMS_HELP}`)
    .addOption(new Option('--overwrite', 'replace files that already exist in --to').conflicts('skipExisting'))
    .option('--skip-existing', 'keep files that already exist in --to, restore the rest')
    .option('--preserve-mode', 'keep set-uid, set-gid, sticky and world-writable bits (dropped by default)')
    .addOption(opt.bwlimit()), 'restore');

  fromBucket(leaf(program, 'verify', async () => (await import('./commands/verify.ts')).verifyCommand)
    .description('check every retained snapshot in the bucket (reads the file data by default)')
    .argument('[folder]', 'the Coffer folder (default: the only one)')
    .option('--read-data', 'read and check every file version (the default)')
    .addOption(new Option('--sample <percent>', 'read only this share of the file versions, e.g. 10').argParser(percent).conflicts('readData'))
    .addOption(new Option('--quick', 'check every object by HEAD only: present, checksum or MD5 (nothing downloaded)').conflicts(['sample', 'readData']))
    .addOption(opt.bwlimit()), 'verify');

  leaf(program, 'status', async () => (await info()).statusCommand)
    .description('the vault of a folder: remote, key, last sync, files not stored')
    .argument('[folder]', 'the Coffer folder (default: the only one)');

  leaf(program, 'history', async () => (await info()).historyCommand)
    .description('what was uploaded, deleted, restored and checked')
    .argument('[folder]', 'the Coffer folder (default: the only one)')
    .addOption(new Option('--limit <n>', 'show at most this many entries').default('50').argParser(wholeNumber(1)))
    .addOption(new Option('--action <action>', 'only this kind of entry')
      .choices(['upload', 'delete', 'rename', 'skip', 'error', 'restore', 'verify', 'sync', 'key', 'warning', 'pull', 'conflict']))
    .option('--path <text>', 'only entries whose path contains this text');

  leaf(program, 'versions', async () => (await info()).versionsCommand)
    .description('the stored versions of one file')
    .argument('<path>', 'a file inside a Coffer folder');

  leaf(program, 'reindex', async () => (await import('./commands/reindex.ts')).reindexCommand)
    .description("rebuild this machine's index of the vault from the bucket")
    .argument('[folder]', 'the Coffer folder (default: the only one)');

  leaf(program, 'settings', async () => (await import('./commands/settings.ts')).settingsCommand)
    .description("this device's settings of a vault; with an option, change it")
    .argument('[folder]', 'the Coffer folder (default: the only one)')
    .addOption(opt.padding('padme: pad each object this device writes from now on to one of a few sizes (at most 12 % more'
      + ' bytes, on average 1-2 %), so its size says less about what it holds; off: store objects at their own size.'
      + ' Objects already stored keep their size'));

  leaf(program, 'ui', async () => (await import('./commands/ui.ts')).uiCommand)
    .description("serve the app's interface to a browser on this machine (127.0.0.1), until Ctrl-C or the parent process ends")
    .addOption(new Option('--port <n>', 'the port (default: any free one)').argParser(wholeNumber(0, 65535)));

  addTeamCommands(program.command('team').description('members and roles of a shared vault: invite, join, remove, re-encrypt'));
  addDevicesCommands(program.command('devices').description("the devices that use this vault"));
  addKeysCommands(program.command('keys').description("the vault key's lifecycle: versions, rotation, custody, deletion"));
  return program;

  function addTeamCommands(team: Command): void {
    const body = async () => (await import('./commands/team.ts')).teamCommand;
    const sub = (name: string, description: string) => leaf(team, name, body, [name]).description(description);
    sub('id', 'your public identity, for an admin to invite you with --key (made on first use)')
      .option('--identity-file <file>', 'keep the identity in this file (readable by you only) instead of the OS keychain');
    sub('invite', 'invite a member: prints a join code')
      .argument('<name>', "the member's name as the team sees it")
      .addOption(new Option('--role <role>', 'what they may do').choices(['reader', 'writer', 'admin']).default('writer'))
      .option('--key <public id>', 'their public identity (coffer team id on their machine); without it the code carries a one-time key and is a secret')
      .addOption(new Option('--expires <days>', 'days the code stays valid (default 7)').argParser(wholeNumber(1, 90)))
      .addOption(opt.folder());
    sub('join', 'join a vault with a join code, into a folder')
      .argument('<code>', 'the join code, or @file holding it')
      .argument('<folder>', 'the folder to keep in the vault (created when missing)')
      .option('--name <device>', 'a name for this device (default: the host name)')
      .option('--identity-file <file>', 'keep your identity in this file (readable by you only) instead of the OS keychain');
    sub('list', 'members, roles, key generation and re-encryption progress').addOption(opt.folder());
    sub('remove', 'remove a member: new data is written under a new key generation at once')
      .argument('<member>', 'name or id').addOption(opt.folder());
    sub('role', "change a member's role")
      .argument('<member>', 'name or id')
      .argument('<role>', 'reader, writer or admin').addOption(opt.folder());
    sub('reencrypt', 're-encrypt older data under the current key generation (resumable), completing revocation')
      .addOption(opt.folder()).addOption(opt.bwlimit());
  }

  function addDevicesCommands(devices: Command): void {
    const body = async () => (await import('./commands/devices.ts')).devicesCommand;
    leaf(devices, 'list', body, ['list']).description('devices, their member and last commit').addOption(opt.folder());
    leaf(devices, 'remove', body, ['remove']).description('remove a lost device: its commits are refused and a new key generation starts')
      .argument('<device>', 'device id or name').addOption(opt.folder());
  }

  function addKeysCommands(keys: Command): void {
    const body = async () => (await import('./commands/keys.ts')).keysCommand;
    const sub = (name: string, description: string, keyArg = false) => {
      const cmd = leaf(keys, name, body, [name]).description(description);
      if (keyArg) cmd.argument('[key]', "the vault's key reference, for clarity (a vault has one key)");
      return cmd.addOption(opt.folder());
    };
    sub('list', "the vault's key, its versions and state");
    sub('show', "the vault's key, its versions and state", true);
    sub('rotate', 'a new key version for new data; older versions stay readable', true);
    sub('rewrap', 're-seal objects wrapped under older key versions (resumable)')
      .addOption(new Option('--to <version>', 'the key version to re-seal under (default: the current one)').argParser(wholeNumber(1)))
      .addOption(opt.bwlimit());
    sub('create', 'a new key: a version of the vault key (aes-256), or a key pair for a write-only device (rsa-4096)')
      .addOption(new Option('--type <type>', 'the kind of key').choices(['aes-256', 'rsa-4096', 'x25519']).default('aes-256'))
      .option('--out <file>', 'where to save the private key of a pair')
      .option('--provider <ref>', "the vault's key reference, for clarity");
    sub('set-rotation', 'rotate the key automatically every N days (0: never)')
      .addOption(opt.days('days between rotations').makeOptionMandatory());
    sub('schedule-deletion', 'delete the key after a waiting period (refused while files need it, unless --force)', true)
      .addOption(opt.days('days to wait (default 30)'))
      .option('--force', 'schedule it even though files need it');
    sub('cancel-deletion', 'cancel a scheduled deletion', true);
    sub('audit', 'the key audit log').option('--verify', 'check the log\'s hash chain');
    sub('export-recovery', 'print the recovery kit (the recovery key restores everything)');
    sub('move', 'keep the vault key somewhere else; no data is re-encrypted')
      .addOption(new Option('--to <ref>', 'keychain:<name> or passphrase').makeOptionMandatory());
    sub('change-passphrase', 'a new passphrase (asked twice, or COFFER_NEW_PASSPHRASE); no data is re-encrypted');
  }
}
