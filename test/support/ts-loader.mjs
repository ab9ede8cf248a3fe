// Lets plain Node 20 run TypeScript child processes for crash tests:
//   node --import ./test/support/ts-loader.mjs path/to/child.ts
// Node 20 has no --experimental-strip-types, and tsx is not installed, so this registers a module hook
// that transpiles .ts/.mts files with the installed `typescript` (types stripped, no type check).
import { register } from 'node:module';

register(new URL('./ts-loader-hooks.mjs', import.meta.url));
