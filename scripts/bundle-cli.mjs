// Bundles the CLI (tsc's output, dist/src-main/cli/main.js) into dist/cli/, which bin/coffer.js runs.
// Why: a no-change `coffer sync` is mostly start-up, and Node 20's ES module loader pays per file: the
// CLI's own ~200 modules and zod's ~95 took ~330 ms to load, the bundle ~120 ms (bench/RESULTS.md).
// Lazy imports stay lazy (each becomes a chunk). Packages other than zod stay external: most are
// CommonJS, native (the keychain, PKCS#11) or large and loaded only by some commands (the AWS SDK).
// Tried and dropped (2026-12-04): bundling the Encryption SDK (@aws-crypto/*), commander and ignore as
// well loaded the command ~45 ms sooner, but a cold pass of 100,000 files then peaked 40-70 MB higher
// (427-516 vs 379-385 MB over interleaved runs), past the 400 MB goal; and the bundle would have to take
// every @aws-crypto package, the KMS keyring's included, since the ESDK checks keyrings with instanceof
// (test/engine/cli-kms.test.ts runs a KMS vault through the bundle).
// Files found at run time (the chunking worker, the web UI) come from dist/ (src-main/install-paths.ts).
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/cli`;
const BUNDLED_PACKAGES = ['zod'];

const isBundled = (id) => BUNDLED_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`));
const isPackage = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('file:');

/**
 * A package Node loads as CommonJS whichever way it is asked for: no "exports" map (so import and require
 * both resolve "main") and not "type": "module". Importing such a package from an ES module costs more
 * than requiring it: Node's ES loader first runs its CommonJS export scanner over the entry and every file
 * it re-exports. For the S3 client that was 35-50 ms per process, for the Encryption SDK's packages 15-30
 * (2026-12-04, interleaved runs). require() gives the same module instance (one module cache), so mixing
 * both forms is safe.
 */
const requireFromRoot = createRequire(`${root}package.json`);
const cjsOnly = new Map();
function isCommonJsOnly(pkg) {
  if (!cjsOnly.has(pkg)) {
    let verdict;
    try {
      const meta = JSON.parse(readFileSync(requireFromRoot.resolve(`${pkg}/package.json`), 'utf8'));
      verdict = meta.exports === undefined && meta.type !== 'module';
    } catch {
      verdict = false; // no readable package.json (exports hides it): leave the import as it is
    }
    cjsOnly.set(pkg, verdict);
  }
  return cjsOnly.get(pkg);
}

const packageOf = (id) => id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/');

/**
 * Rewrites a chunk's static imports of CommonJS-only packages (see isCommonJsOnly) into require() calls,
 * in the same order. Node's interop makes the default import module.exports and the named imports its
 * properties, which is what the rewrite binds. Dynamic import() stays as it is.
 */
function commonJsImportsAsRequire() {
  const STATIC_IMPORT = /^import (?:(\w+)|\{([^}]*)\}|\* as (\w+)) from "([^".][^"]*)";$/gm;
  return {
    name: 'commonjs-imports-as-require',
    renderChunk(code) {
      let used = false;
      const next = code.replace(STATIC_IMPORT, (line, def, named, ns, id) => {
        if (id.startsWith('node:') || !isCommonJsOnly(packageOf(id))) return line;
        used = true;
        const binding = def ?? ns ?? `{ ${named.split(',').map((n) => n.trim()).filter(Boolean).map((n) => n.replace(/\s+as\s+/, ': ')).join(', ')} }`;
        return `const ${binding} = __requireCommonJs(${JSON.stringify(id)});`;
      });
      if (!used) return null;
      return `import { createRequire as __createRequire } from "node:module";\nconst __requireCommonJs = __createRequire(import.meta.url);\n${next}`;
    },
  };
}

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: `${root}dist/src-main/cli/main.js`,
  platform: 'node',
  external: (id) => id.startsWith('node:') || (isPackage(id) && !isBundled(id)),
  plugins: [commonJsImportsAsRequire()],
  logLevel: 'warn',
});
await bundle.write({ dir: out, format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js', sourcemap: false });
await bundle.close();
