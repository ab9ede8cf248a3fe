import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ownModuleUrl, packageRootUrl, srcMainUrlFrom } from '../../src-main/install-paths.ts';

// The CLI runs from a bundle in dist/cli/, the app from tsc's output, the tests from the sources: files
// found at run time (the chunking worker, the web UI) must resolve the same in all three.
describe('install paths', () => {
  it('finds src-main/ from the sources, from tsc output and from the CLI bundle', () => {
    expect(srcMainUrlFrom('file:///opt/coffer/src-main/engine/chunking/cut-pool.ts').href).toBe('file:///opt/coffer/src-main/');
    expect(srcMainUrlFrom('file:///opt/coffer/dist/src-main/ipc/errors.js').href).toBe('file:///opt/coffer/dist/src-main/');
    expect(srcMainUrlFrom('file:///opt/coffer/dist/cli/api-Ab12.js').href).toBe('file:///opt/coffer/dist/src-main/');
  });

  it('gives the package root for both layouts', () => {
    expect(packageRootUrl(new URL('file:///opt/coffer/dist/src-main/')).href).toBe('file:///opt/coffer/');
    expect(packageRootUrl(new URL('file:///opt/coffer/src-main/')).href).toBe('file:///opt/coffer/');
  });

  it('refuses a location it cannot place instead of guessing', () => {
    expect(() => srcMainUrlFrom('file:///somewhere/else/x.js')).toThrow(/cannot tell where it is installed/);
  });

  it('resolves real files of this checkout (the worker, the TypeScript loader)', () => {
    expect(existsSync(fileURLToPath(ownModuleUrl('engine/chunking/cut-worker')))).toBe(true);
    expect(existsSync(fileURLToPath(new URL('test/support/ts-loader.mjs', packageRootUrl())))).toBe(true);
  });
});
