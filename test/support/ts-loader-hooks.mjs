// Module hooks for ts-loader.mjs (they run on Node's loader thread). Only files ending in .ts or .mts
// are touched; everything else, node_modules included, goes to Node's own loader.
// Loading the TypeScript compiler costs seconds on a busy machine, so output is cached on disk by a hash
// of the source, and the compiler is loaded only on a cache miss.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const TS_FILE = /\.m?ts$/;
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/coffer-ts-loader/', import.meta.url));
const VERSION = 'v1';

let tsPromise;
const typescript = () => (tsPromise ??= import('typescript').then((m) => m.default));

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const key = createHash('sha256').update(`${VERSION}\0${path}\0${source}`).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  let output = await readFile(cached, 'utf8').catch(() => null);
  if (output === null) {
    output = await transpile(path, source);
    // Temp + rename: parallel children must never read a half-written cache entry.
    await mkdir(CACHE, { recursive: true });
    const tmp = `${cached}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, output);
    await rename(tmp, cached);
  }
  return { format: 'module', source: output, shortCircuit: true };
}

async function transpile(path, source) {
  const ts = await typescript();
  const out = ts.transpileModule(source, {
    fileName: path,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      // Keep `./x.ts` specifiers as written: this loader loads .ts files itself.
      rewriteRelativeImportExtensions: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n');
    throw new SyntaxError(`${path}: ${text}`);
  }
  return out.outputText;
}
