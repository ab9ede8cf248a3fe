// Builds the renderer from the current source into a scratch folder, so the e2e run never tests a stale
// dist-renderer/ and never races another build writing there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function buildRenderer(outDir: string): string {
  const vite = path.resolve('node_modules', '.bin', 'vite');
  const r = spawnSync(vite, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  if (!existsSync(path.join(outDir, 'index.html'))) throw new Error(`vite build wrote no index.html to ${outDir}`);
  return outDir;
}
