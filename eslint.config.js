// Layer rules live here so no reviewer has to enforce them (docs/ARCHITECTURE.md, "Layer rules").
//
// Flat config gives a rule the options of the LAST block that matches a file: two blocks that both set
// `no-restricted-imports` do not add up, the later one replaces the earlier. So every block below is built
// from the same base lists, and each file gets one block holding all the restrictions that apply to it.
// test/lint/layer-rules.test.ts shows each rule failing on a deliberate violation.
import { builtinModules } from 'node:module';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

/**
 * The engine's layers, lowest first. A folder of `src-main/engine/` may import only folders of strictly
 * lower layers (and its own files): never a higher layer, nor a sibling of the same layer.
 * The files directly under `src-main/engine/` (ENGINE_TOP_FILES, the use-case module) sit in the top layer.
 * A new engine folder must be added here (test/lint/layer-rules.test.ts fails until it is).
 */
export const ENGINE_LAYERS = [
  ['ports'],
  ['fsx', 'crypto'],
  ['store', 'chunking'],
  ['objects', 'journal', 'scan'],
  ['keys', 'manifest', 'watch'],
  ['read', 'team'],
  ['sync', 'restore', 'verify'],
  ['vault'],
  ['use-cases'],
];

/** The files directly under `src-main/engine/`: the top layer, beside use-cases/. */
export const ENGINE_TOP_FILES = ['api.ts', 'errors.ts', 'early-unlock.ts'];

const HOSTS = ['app', 'cli', 'ipc', 'ui-server'];

/**
 * The rules' options from parts holding `paths` and `patterns` (no-restricted-imports) and `dynamic`:
 * `{ regex, message }` for `import('...')`, which no-restricted-imports does not see, checked through
 * no-restricted-syntax. Every block that restricts imports is built here, so the two rules stay together.
 */
function restrictImports(...parts) {
  const selector = (regex) => `ImportExpression[source.value=/${regex.replaceAll('/', '[/]')}/]`;
  return {
    'no-restricted-imports': ['error', {
      paths: parts.flatMap((p) => p.paths ?? []),
      patterns: parts.flatMap((p) => p.patterns ?? []),
    }],
    'no-restricted-syntax': ['error',
      ...parts.flatMap((p) => p.dynamic ?? []).map(({ regex, message }) => ({ selector: selector(regex), message }))],
  };
}

const ENGINE_PLAIN_NODE = 'The engine is plain Node: pass Electron features in as ports.';
const ENGINE_NO_HOSTS = 'The engine must not import a host or the renderer.';

/** What no engine file may import: Electron, any host, the renderer. */
const engineBase = {
  paths: [{ name: 'electron', message: ENGINE_PLAIN_NODE }],
  patterns: [
    { group: ['electron/*'], message: ENGINE_PLAIN_NODE },
    { group: [...HOSTS.map((h) => `**/${h}/**`), '**/src-renderer/**'], message: ENGINE_NO_HOSTS },
  ],
  dynamic: [
    { regex: '^electron(/|$)', message: ENGINE_PLAIN_NODE },
    { regex: `(^|/)(${[...HOSTS, 'src-renderer'].join('|')})/`, message: ENGINE_NO_HOSTS },
  ],
};

/** The rule block for one engine folder of layer `level`. */
function layerBlock(folder, level) {
  const lower = ENGINE_LAYERS.slice(0, level).flat();
  const forbidden = ENGINE_LAYERS.slice(level).flat().filter((f) => f !== folder);
  const may = lower.length ? `only ${lower.join(', ')}` : 'no other engine folder (ports are the contracts: they import no implementation)';
  const message = `Layer rule: engine/${folder} (layer ${level}) may import ${may}. See docs/ARCHITECTURE.md, "Layer rules".`;
  // The top layer's files directly under engine/: `../api.ts`, `../../api.ts`.
  const topFiles = `^(\\.\\./)+(${ENGINE_TOP_FILES.map((f) => f.replace('.', '\\.')).join('|')})$`;
  return {
    files: [`src-main/engine/${folder}/**/*.ts`],
    rules: restrictImports(engineBase, {
      // The top layer has no higher folder, only the files beside it (api.ts re-exports it: no cycles).
      patterns: [...(forbidden.length ? [{ group: forbidden.map((f) => `**/${f}/**`), message }] : []), { regex: topFiles, message }],
      dynamic: [...(forbidden.length ? [{ regex: `(^|/)(${forbidden.join('|')})/`, message }] : []), { regex: topFiles, message }],
    }),
  };
}

/** The hosts (cli, app, ipc, ui-server) reach the engine only through engine/api.ts and engine/ports/. */
// engine/errors.ts is part of the API: the error classes alone, light enough for a host's error path;
// engine/early-unlock.ts too: the CLI starts a passphrase vault's scrypt with it before loading the engine.
const HOSTS_VIA_API = 'Hosts import the engine only through src-main/engine/api.ts and src-main/engine/ports/.';
const hostRules = restrictImports({
  patterns: [{ group: ['**/engine/**', '!**/engine/api.ts', '!**/engine/errors.ts', '!**/engine/early-unlock.ts', '!**/engine/ports', '!**/engine/ports/*.ts'], message: HOSTS_VIA_API }],
  dynamic: [{ regex: '(^|/)engine/(?!(api|errors|early-unlock)\\.ts$|ports/[\\w.-]+\\.ts$)', message: HOSTS_VIA_API }],
});

/** The renderer runs in a sandboxed page: no Node, no Electron, no host code but the IPC contract. */
const RENDERER_NO_NODE = 'The renderer runs in a sandboxed page: no Node built-ins.';
const RENDERER_NO_ELECTRON = 'The renderer reaches Electron only through the preload transport.';
const RENDERER_CONTRACT = 'The renderer talks to the engine only through src-main/ipc/contract.ts.';
const NOT_CONTRACT = '(^|/)src-main/(?!ipc/contract\\.ts$)';
const rendererRules = restrictImports({
  paths: [
    ...builtinModules.map((name) => ({ name, message: RENDERER_NO_NODE })),
    { name: 'electron', message: RENDERER_NO_ELECTRON },
  ],
  patterns: [
    { group: ['node:*'], message: RENDERER_NO_NODE },
    { group: ['electron/*'], message: RENDERER_NO_ELECTRON },
    { regex: NOT_CONTRACT, message: RENDERER_CONTRACT },
  ],
  dynamic: [
    { regex: `^(node:|(${builtinModules.filter((m) => !m.includes('/')).join('|')})(/|$))`, message: RENDERER_NO_NODE },
    { regex: '^electron(/|$)', message: RENDERER_NO_ELECTRON },
    { regex: NOT_CONTRACT, message: RENDERER_CONTRACT },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-renderer/**', 'node_modules/**', 'release/**', 'test-artifacts/**', 'bench/data/**', 'bench/out/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    // <script lang="ts"> in .svelte files and runes in .svelte.ts go through typescript-eslint's parser.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    // CommonJS preloads for `node -r` (.ci/electronegativity-commander.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The engine: every file (files directly under engine/ and folders not in the table get the base).
  { files: ['src-main/engine/**/*.ts'], rules: restrictImports(engineBase) },
  ...ENGINE_LAYERS.flatMap((folders, level) => folders.map((f) => layerBlock(f, level))),
  // The hosts call the engine through its use cases (engine/api.ts) and the ports, never its internals.
  { files: HOSTS.map((h) => `src-main/${h}/**/*.ts`), rules: hostRules },
  { files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'], rules: rendererRules },
);
