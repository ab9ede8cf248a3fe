#!/usr/bin/env node
// The CLI entry point. `npm install` builds dist/ through the prepare script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The AWS SDK warns on every run that a future release will need Node 22; Coffer pins SDK versions that
// support Node 20 (package-lock.json), so the warning is noise in a CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that goes away (`coffer versions | head`) ends Coffer as SIGPIPE ends other tools (exit 141,
// 128 + SIGPIPE), instead of Node's EPIPE stack trace at the next write. A pass cut short this way is
// resumed by the next one, as after any other interruption.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(141);
  });
}

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('coffer: not built yet; run "npm install" (or "npm run build") in the Coffer folder\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
