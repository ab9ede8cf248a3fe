// Bundles the CLI (tsc's output, dist/src-main/cli/main.js) into dist/cli/, which bin/coffer.js runs.
// Why: a no-change `coffer sync` is mostly start-up, and Node 20's module loaders pay per file: the
// CLI's own ~200 modules and zod's ~95 took ~330 ms to load, the bundle ~120 ms (bench/RESULTS.md); the
// Encryption SDK's packages (CommonJS, ~150 files with bn.js, asn1.js, readable-stream) took ~100 ms of
// every pass on their own, bundled ~20 ms.
// Lazy imports stay lazy (each becomes a chunk). Bundled: the packages below and whatever they import,
// but for KEEP_EXTERNAL: native modules (the keychain, PKCS#11), the AWS SDK (large, loaded only by the
// commands that reach S3 or KMS) and piscina (it starts its worker from its own folder).
// Files found at run time (the chunking worker, the web UI) come from dist/ (src-main/install-paths.ts).
// One copy of each ESDK package per process matters: its keyrings check classes with instanceof, so the
// bundle takes every @aws-crypto package, the KMS keyring (a lazy chunk) included.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/cli`;
const BUNDLED_PACKAGES = ['zod', '@aws-crypto/', 'commander', 'ignore'];
const KEEP_EXTERNAL = ['@aws-sdk/', '@smithy/', '@napi-rs/', 'pkcs11js', 'piscina', 'chokidar', 'age-encryption'];

const matches = (id, list) => list.some((p) => id === p || id.startsWith(p.endsWith('/') ? p : `${p}/`));
const isPackage = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('file:') && !id.startsWith('\0');
const fromPackage = (importer) => importer !== undefined && importer.includes('/node_modules/');

function external(id, importer) {
  if (id.startsWith('node:')) return true;
  if (!isPackage(id)) return false;
  if (matches(id, KEEP_EXTERNAL)) return true;
  // A bundled package's own dependencies come along; the CLI's other direct imports stay external.
  return !(matches(id, BUNDLED_PACKAGES) || fromPackage(importer));
}

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({ input: `${root}dist/src-main/cli/main.js`, platform: 'node', external, logLevel: 'warn' });
await bundle.write({ dir: out, format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js', sourcemap: false });
await bundle.close();
