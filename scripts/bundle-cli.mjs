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
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/cli`;
const BUNDLED_PACKAGES = ['zod'];

const isBundled = (id) => BUNDLED_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`));
const isPackage = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('file:');

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: `${root}dist/src-main/cli/main.js`,
  platform: 'node',
  external: (id) => id.startsWith('node:') || (isPackage(id) && !isBundled(id)),
  logLevel: 'warn',
});
await bundle.write({ dir: out, format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js', sourcemap: false });
await bundle.close();
