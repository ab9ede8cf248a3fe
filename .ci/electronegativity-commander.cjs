// Electronegativity 1.10.3 requires `commander` without declaring it: it worked while npm hoisted the
// commander 5 of its own dependency @electron/asar. Coffer's CLI depends on commander 14, which is now
// the top-level one and has another API, so electronegativity's `require('commander')` is pointed back at
// the copy its dependency tree brings (preloaded with `node -r` by .ci/electronegativity.sh only).
const Module = require('node:module');
const path = require('node:path');

const asar = path.dirname(require.resolve('@electron/asar/package.json', { paths: [require.resolve('@doyensec/electronegativity/package.json')] }));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'commander' && parent?.filename?.includes(`${path.sep}@doyensec${path.sep}electronegativity${path.sep}`)) {
    return resolve.call(this, request, { ...parent, paths: Module._nodeModulePaths(asar) }, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
