import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Component tests: Svelte compiled for the browser, run in jsdom against the fake transport.
export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions: ['browser'] },
  test: {
    name: 'renderer',
    include: ['test/renderer/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['test/renderer/setup.ts'],
    testTimeout: 20_000,
  },
});
