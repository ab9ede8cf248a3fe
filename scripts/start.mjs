#!/usr/bin/env node
// `npm start`: build the main process (tsc) and the renderer (vite), then open the Electron app.
// Where Electron cannot run (no display, or its binary is missing and cannot be downloaded), say so and
// point to the headless UI, `npx coffer ui`, which serves the same renderer to any browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const DOWNLOAD_TIMEOUT_MS = 120_000;

const HEADLESS_HINT = `
  The same app runs in your browser instead:

      npx coffer ui          (then open the URL it prints)
`;

function run(label, cmd, args) {
  console.log(`> ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** The Electron executable if it is installed, else null (electron@45 downloads it on first use). */
function electronBinary() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

/** Tries electron's own installer once, with a time limit: offline machines fail here, not later. */
function downloadElectron() {
  console.log('> Electron binary not found; downloading it (needs access to github.com)...');
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir, stdio: ['ignore', 'inherit', 'pipe'], timeout: DOWNLOAD_TIMEOUT_MS, encoding: 'utf8',
  });
  if (r.status === 0) return electronBinary();
  const why = r.error?.code === 'ETIMEDOUT' ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`
    : (r.stderr ?? '').split('\n').find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(l))?.trim() ?? `exit ${r.status}`;
  console.error(`  Download failed: ${why}`);
  return null;
}

if (!existsSync(electronDir)) {
  console.error(`Electron is not installed (node_modules/electron is missing). Run npm install first.${HEADLESS_HINT}`);
  process.exit(1);
}

run('Building the main process (tsc)', 'npx', ['tsc', '-p', 'tsconfig.json']);
run('Building the renderer (vite build)', 'npx', ['vite', 'build']);

if (!hasDisplay()) {
  console.error(`\nNo display found (DISPLAY / WAYLAND_DISPLAY are unset), so the desktop window cannot open.${HEADLESS_HINT}`);
  process.exit(1);
}

const bin = electronBinary() ?? (process.env.COFFER_NO_ELECTRON_DOWNLOAD ? null : downloadElectron());
if (bin === null) {
  console.error(`
Electron ${JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version} has no binary on this machine, and it could not be downloaded
(Electron fetches it from GitHub on first run; offline machines and restricted networks cannot).
  With internet access later:   npx install-electron
${HEADLESS_HINT}`);
  process.exit(1);
}

console.log('> Starting Coffer');
// Run the app from the project root: package.json "main" points at dist/src-main/app/main.js.
const child = spawn(bin, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
