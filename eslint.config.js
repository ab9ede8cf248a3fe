// Layer rules live here so no reviewer has to enforce them (see docs/ARCHITECTURE.md).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-renderer/**', 'node_modules/**', 'release/**', 'test-artifacts/**', 'bench/data/**', 'bench/out/**', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The engine is plain Node: pass Electron features in as ports.' }],
        patterns: [
          { group: ['electron/*'], message: 'The engine is plain Node.' },
          { group: ['**/app/**', '**/cli/**', '**/ipc/**', '**/ui-server/**', '**/src-renderer/**'], message: 'The engine must not import upper layers.' },
        ],
      }],
    },
  },
  {
    files: ['src-main/engine/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '!../ports/*'], message: 'Ports are the contracts: they import no implementation.' }],
      }],
    },
  },
  {
    // The hosts call the engine through its use cases (engine/api.ts) and the ports, never its internals.
    files: ['src-main/cli/**/*.ts', 'src-main/ipc/**/*.ts', 'src-main/ui-server/**/*.ts', 'src-main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/engine/**', '!**/engine/api.ts', '!**/engine/ports', '!**/engine/ports/*.ts'],
          message: 'Hosts import the engine only through src-main/engine/api.ts and src-main/engine/ports/.',
        }],
      }],
      // The same for `await import(...)` (commands load the engine on demand), which the rule above does not see.
      'no-restricted-syntax': ['error', {
        selector: 'ImportExpression[source.value=/(^|\\/)engine\\/(?!api\\.ts$|ports\\/[^/]+\\.ts$)/]',
        message: 'Hosts import the engine only through src-main/engine/api.ts and src-main/engine/ports/.',
      }],
    },
  },
  {
    files: ['src-renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'electron', '**/engine/**', '**/app/**', '**/cli/**'], message: 'The renderer talks to the engine only through src-main/ipc/contract.ts.' },
        ],
      }],
    },
  },
);
