import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli/', import.meta.url));

/** Every chunk of the CLI bundle (`npm run build` made it; the node suites need the build). */
function chunks(): { name: string; code: string }[] {
  return readdirSync(CLI).filter((f) => f.endsWith('.js')).map((name) => ({ name, code: readFileSync(path.join(CLI, name), 'utf8') }));
}

// scripts/bundle-cli.mjs turns static imports of CommonJS-only packages into require(): Node's ES loader
// would first scan each of them for its exports (35-50 ms a process for the S3 client alone).
describe('the CLI bundle', () => {
  it('requires the AWS SDK, the Encryption SDK and the keychain module rather than importing them', () => {
    const all = chunks();
    const code = all.map((c) => c.code).join('\n');
    for (const pkg of ['@aws-sdk/client-s3', '@aws-crypto/decrypt-node', '@aws-crypto/encrypt-node', '@aws-crypto/material-management-node', '@napi-rs/keyring']) {
      expect(code).toContain(`__requireCommonJs(${JSON.stringify(pkg)})`);
      expect(code).not.toMatch(new RegExp(`^import [^;]* from "${pkg}";$`, 'm'));
    }
    // Each chunk that requires makes its own require, bound to its own location.
    for (const c of all.filter((c) => c.code.includes('__requireCommonJs('))) {
      expect(c.code.startsWith('import { createRequire as __createRequire } from "node:module";\nconst __requireCommonJs = __createRequire(import.meta.url);\n'), c.name).toBe(true);
    }
  });

  it('keeps importing a package whose exports map gives ES modules their own entry (commander)', () => {
    expect(chunks().map((c) => c.code).join('\n')).toMatch(/^import \{[^}]*\bCommand\b[^}]*\} from "commander";$/m);
  });
});
