/**
 * Where this build's own files are, whichever copy of the code is running: the TypeScript sources (tests
 * load .ts through a loader), tsc's output in dist/src-main/, or the CLI bundle in dist/cli/
 * (scripts/bundle-cli.mjs). In the bundle every module shares its chunk's URL, so a path relative to a
 * module's own `import.meta.url` would point into dist/cli/: files found at run time (a worker script,
 * the web UI) are found from here instead.
 */
const HERE = import.meta.url;
const BUNDLE_DIR = '/dist/cli/';
const SRC_MAIN = '/src-main/';

/** True when running the .ts sources (tests): workers then need the TypeScript loader too. */
export const RUNS_FROM_SOURCE = HERE.endsWith('.ts');

/** The folder of the modules tsc built or the sources: `src-main/` or `dist/src-main/`, as a URL ending in '/'. */
export function srcMainUrl(): URL {
  return srcMainUrlFrom(HERE);
}

/** srcMainUrl() for a module at `moduleUrl` (exported for tests: each layout gives its own answer). */
export function srcMainUrlFrom(moduleUrl: string): URL {
  const bundled = moduleUrl.lastIndexOf(BUNDLE_DIR);
  if (bundled >= 0) return new URL(`${moduleUrl.slice(0, bundled)}/dist${SRC_MAIN}`);
  const at = moduleUrl.lastIndexOf(SRC_MAIN);
  if (at < 0) throw new Error(`Coffer cannot tell where it is installed from ${moduleUrl}`);
  return new URL(moduleUrl.slice(0, at + SRC_MAIN.length));
}

/** A module of this build by its path below src-main/ without extension ('engine/chunking/cut-worker'). */
export function ownModuleUrl(pathBelowSrcMain: string): URL {
  return new URL(`${pathBelowSrcMain}${RUNS_FROM_SOURCE ? '.ts' : '.js'}`, srcMainUrl());
}

/** The package root (where package.json, dist/ and dist-renderer/ are), as a URL ending in '/'. */
export function packageRootUrl(srcMain: URL = srcMainUrl()): URL {
  return new URL(srcMain.pathname.endsWith(`/dist${SRC_MAIN}`) ? '../../' : '../', srcMain);
}
