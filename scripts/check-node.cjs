// Runs before the build (npm start and npm test build first). Written for any Node, so that an older one gets this
// message instead of a TypeError from inside the bundler. The same floor as "engines" in package.json.
var major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    'create-mcp-prod needs Node.js 22 or newer to build; this is Node.js ' +
      process.versions.node +
      '.\nInstall Node.js 22 or newer (https://nodejs.org, or nvm install 22), then run npm ci again.\n',
  );
  process.exit(1);
}
