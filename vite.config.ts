import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer build: served by Electron from the asar (file://) and by `coffer ui` over loopback http,
// hence relative asset URLs. No inline scripts are emitted, so the CSP in index.html needs no hashes.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    target: 'es2022',
    // A data: URL for small assets would need img-src data: for fonts/scripts too; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
