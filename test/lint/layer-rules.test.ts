// The layer rules of eslint.config.js, each shown failing on a deliberate violation (and passing the
// legal import beside it, so a rule that reports everything would fail here too).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The import-rule messages ESLint reports for `code` placed at `filePath` (never written). import() is
 *  checked by no-restricted-syntax, since no-restricted-imports does not see it. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`no lint result for ${filePath}`);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`${filePath} did not parse: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('engine rules compose', () => {
  it('ports may not import electron (the ports block keeps the engine block)', async () => {
    expect(await restricted('src-main/engine/ports/x.ts', "import { app } from 'electron';\nexport const a = app;\n"))
      .toEqual([expect.stringMatching(/plain Node/)]);
    expect(await restricted('src-main/engine/ports/x.ts', "import type { BlobStore } from './blob-store.ts';\nexport type S = BlobStore;\n"))
      .toEqual([]);
  });

  it('ports import no implementation', async () => {
    expect(await restricted('src-main/engine/ports/x.ts', "import { FsStore } from '../store/fs-store.ts';\nexport const s = FsStore;\n"))
      .toEqual([expect.stringMatching(/Layer rule: engine\/ports/)]);
  });

  it('a layer may keep importing what the engine forbids everywhere (electron, hosts)', async () => {
    expect(await restricted('src-main/engine/sync/x.ts', "import { app } from 'electron';\nexport const a = app;\n"))
      .toEqual([expect.stringMatching(/plain Node/)]);
    expect(await restricted('src-main/engine/vault/x.ts', "import { main } from '../../cli/main.ts';\nexport const r = main;\n"))
      .toEqual([expect.stringMatching(/must not import a host/)]);
  });
});

describe('engine layers', () => {
  it('store may not import sync, but may import ports and fsx', async () => {
    expect(await restricted('src-main/engine/store/x.ts', "import { runSyncPass } from '../sync/sync-pass.ts';\nexport const r = runSyncPass;\n"))
      .toEqual([expect.stringMatching(/Layer rule: engine\/store \(layer 2\)/)]);
    expect(await restricted('src-main/engine/store/x.ts',
      "import type { BlobStore } from '../ports/blob-store.ts';\nimport { writeFileAtomic } from '../fsx/atomic-file.ts';\nexport type S = BlobStore;\nexport const w = writeFileAtomic;\n"))
      .toEqual([]);
  });

  it('import() is held to the same rules (store may load its own S3 store lazily, not sync)', async () => {
    expect(await restricted('src-main/engine/store/x.ts', "export const load = () => import('../sync/sync-pass.ts');\n"))
      .toEqual([expect.stringMatching(/Layer rule: engine\/store \(layer 2\)/)]);
    expect(await restricted('src-main/engine/store/x.ts', "export const load = () => import('./s3-store.ts');\n")).toEqual([]);
    expect(await restricted('src-main/engine/ports/x.ts', "export const load = () => import('electron');\n"))
      .toEqual([expect.stringMatching(/plain Node/)]);
  });

  it('a nested folder is held to its layer (keys/kms may not import vault)', async () => {
    expect(await restricted('src-main/engine/keys/kms/x.ts', "import { Vault } from '../../vault/vault.ts';\nexport const v = Vault;\n"))
      .toEqual([expect.stringMatching(/Layer rule: engine\/keys/)]);
  });

  it('siblings of one layer do not import each other (manifest may not import keys)', async () => {
    expect(await restricted('src-main/engine/manifest/x.ts', "import { KeyError } from '../keys/key-errors.ts';\nexport const k = KeyError;\n"))
      .toEqual([expect.stringMatching(/Layer rule: engine\/manifest/)]);
  });

  it('no layer imports the use-case module above it', async () => {
    expect(await restricted('src-main/engine/sync/x.ts', "import * as api from '../api.ts';\nexport const a = api;\n"))
      .toEqual([expect.stringMatching(/Layer rule: engine\/sync/)]);
  });

  it('every engine folder on disk has a place in the layer table', async () => {
    const folders = readdirSync(new URL('../../src-main/engine/', import.meta.url), { withFileTypes: true })
      .filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.length).toBeGreaterThan(5);
    const unplaced: string[] = [];
    for (const f of folders) {
      const config = await eslint.calculateConfigForFile(`src-main/engine/${f}/x.ts`) as { rules?: Record<string, unknown> };
      if (!JSON.stringify(config.rules?.['no-restricted-imports'] ?? null).includes(`Layer rule: engine/${f} `)) unplaced.push(f);
    }
    expect(unplaced, 'add these folders to ENGINE_LAYERS in eslint.config.js').toEqual([]);
  });
});

describe('renderer', () => {
  const ts = 'src-renderer/lib/x.ts';
  it.each([
    ["import { readFile } from 'node:fs/promises';", /no Node built-ins/],
    ["import fs from 'fs';", /no Node built-ins/],
    ["import { join } from 'path';", /no Node built-ins/],
    ["import { ipcRenderer } from 'electron';", /preload transport/],
    ["import { Vault } from '../../src-main/engine/vault/vault.ts';", /only through src-main\/ipc\/contract\.ts/],
    ["import { dispatch } from '../../src-main/ipc/dispatch.ts';", /only through src-main\/ipc\/contract\.ts/],
  ])('refuses %s', async (line, message) => {
    expect(await restricted(ts, `${line}\nexport const used = [${/\{ (\w+) \}|import (\w+)/.exec(line)!.slice(1).find(Boolean)}];\n`))
      .toEqual([expect.stringMatching(message)]);
  });

  it.each(["import('node:fs')", "import('fs/promises')", "import('electron')", "import('../../src-main/engine/api.ts')"])('refuses %s', async (expr) => {
    expect(await restricted(ts, `export const load = () => ${expr};\n`)).toHaveLength(1);
  });

  it('may import the IPC contract', async () => {
    expect(await restricted(ts, "import type { Request } from '../../src-main/ipc/contract.ts';\nexport type R = Request;\n")).toEqual([]);
  });

  it('a .svelte component may not import fs either', async () => {
    const component = "<script lang=\"ts\">\n  import { readFileSync } from 'fs';\n  let { path }: { path: string } = $props();\n  const text: string = readFileSync(path, 'utf8');\n</script>\n\n<p>{text}</p>\n";
    expect(await restricted('src-renderer/components/X.svelte', component)).toEqual([expect.stringMatching(/no Node built-ins/)]);
    expect(await restricted('src-renderer/components/X.svelte', component.replace("import { readFileSync } from 'fs';", "import { readFileSync } from './read.ts';")))
      .toEqual([]);
  });
});
