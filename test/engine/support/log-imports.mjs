// `node --import ./log-imports.mjs …`: prints "import: <url>" on stderr for every module the program
// loads, so a test can tell which modules a command line pulled in (lazy loading of the AWS SDK).
import { register } from 'node:module';

register(new URL('./log-imports-hooks.mjs', import.meta.url));
