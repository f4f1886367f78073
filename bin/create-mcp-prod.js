#!/usr/bin/env node
// Written for any Node: say clearly when it is too old, before the bundle (which needs Node >= 22) is loaded.
var major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    'create-mcp-prod needs Node.js 22 or newer; this is Node.js ' +
      process.versions.node +
      '.\nInstall a current Node.js (https://nodejs.org) and run the command again.\n',
  );
  process.exit(1);
}
// V8's compile cache (Node >= 22.1) makes every run after the first start faster; it is only a cache.
import('node:module')
  .then(function (m) {
    if (m.enableCompileCache) m.enableCompileCache();
  })
  .catch(function () {})
  .then(function () {
    return import('../dist/cli.mjs');
  });
