// Screenshots the browser flows take go to test-artifacts/screenshots/ (not committed); the ones the README
// shows are copied to docs/screenshots/ when COFFER_UPDATE_SCREENSHOTS=1, so a normal run never changes the tree.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export const SHOTS = path.resolve('test-artifacts', 'screenshots');
const DOC_SHOTS = path.resolve('docs', 'screenshots');

/** Copies test-artifacts/screenshots/<name>.png to docs/screenshots/ when asked to. */
export async function keepForReadme(name: string): Promise<void> {
  if (process.env.COFFER_UPDATE_SCREENSHOTS !== '1') return;
  await mkdir(DOC_SHOTS, { recursive: true });
  await copyFile(path.join(SHOTS, `${name}.png`), path.join(DOC_SHOTS, `${name}.png`));
}
