import { writeSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (!result.url.startsWith('node:')) writeSync(2, `import: ${result.url}\n`);
  return result;
}
