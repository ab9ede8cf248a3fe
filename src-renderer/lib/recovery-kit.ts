// The recovery kit as a text file: the same lines `coffer init` and `coffer keys export-recovery` print,
// so `coffer restore --recovery-key @kit.txt` reads a saved kit (cli/context.ts finds "recovery key:").
export interface RecoveryKit {
  recoveryKey: string;
  vaultId: string;
  remote: string;
}

export function recoveryKitText(kit: RecoveryKit): string {
  return [
    'Coffer recovery kit',
    `vault:        ${kit.vaultId}`,
    `remote:       ${kit.remote}`,
    `recovery key: ${kit.recoveryKey}`,
    '',
    'To restore on any machine:',
    `  coffer restore --remote ${kit.remote} --recovery-key <this key or @this-file> --to <folder>`,
    '',
    'To show this kit again on the computer that holds the vault key:',
    '  coffer keys export-recovery',
    '',
  ].join('\n');
}

export const KIT_FILE_NAME = 'coffer-recovery-kit.txt';
