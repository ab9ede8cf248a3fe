// The hosts (cli/, ipc/, ui-server/, app/) reach the engine only through engine/api.ts and the ports:
// eslint.config.js says so, and these cases show it refuses a deliberate violation and allows the rest.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: fileURLToPath(new URL('../..', import.meta.url)) });
const HOST_RULE_MESSAGE = 'Hosts import the engine only through src-main/engine/api.ts and src-main/engine/ports/.';

/** The messages of the host-import rules for `code` linted as if it were the file at `filePath`. */
async function hostImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe('hosts import the engine only through engine/api.ts and engine/ports/', () => {
  it.each([
    ['src-main/cli/commands/sync.ts', "import { VaultSyncer } from '../../engine/vault/vault-sync.ts';\nexport const s = VaultSyncer;\n"],
    ['src-main/ipc/dispatch.ts', "import { scanKeyUsage } from '../engine/vault/key-usage.ts';\nexport const s = scanKeyUsage;\n"],
    ['src-main/ui-server/server.ts', "import { displayName } from '../engine/fsx/raw-name.ts';\nexport const s = displayName;\n"],
    ['src-main/app/main.ts', "import type { Vault } from '../engine/vault/vault.ts';\nexport type V = Vault;\n"],
    // Climbing out of the ports folder is still an internal.
    ['src-main/app/main.ts', "import { Vault } from '../engine/ports/../vault/vault.ts';\nexport const v = Vault;\n"],
  ])('refuses an internal import in %s', async (filePath, code) => {
    expect(await hostImportErrors(filePath, code)).toEqual([expect.stringMatching(/^no-restricted-imports: '.*' import is restricted/)]);
    expect((await hostImportErrors(filePath, code))[0]).toContain(HOST_RULE_MESSAGE);
  });

  it('refuses an internal loaded on demand with import()', async () => {
    const code = "export async function load() { return (await import('../../engine/vault/vault.ts')).Vault; }\n";
    expect(await hostImportErrors('src-main/cli/commands/reindex.ts', code)).toEqual([`no-restricted-syntax: ${HOST_RULE_MESSAGE}`]);
  });

  it.each([
    ['src-main/cli/commands/sync.ts', "import { openVault, syncOnce } from '../../engine/api.ts';\nexport const s = [openVault, syncOnce];\n"],
    ['src-main/app/main.ts', "import { systemClock } from '../engine/ports/clock.ts';\nexport const c = systemClock;\n"],
    ['src-main/cli/main.ts', "export async function load() { return (await import('../engine/api.ts')).HeadIntegrityError; }\n"],
  ])('allows the api and the ports in %s', async (filePath, code) => {
    expect(await hostImportErrors(filePath, code)).toEqual([]);
  });

  it('leaves the engine itself free to import its own modules', async () => {
    const code = "import { Vault } from '../vault/vault.ts';\nexport const v = Vault;\n";
    expect(await hostImportErrors('src-main/engine/use-cases/vault-ops.ts', code)).toEqual([]);
  });
});
