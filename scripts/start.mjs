// `npm start -- my-server`: npm runs scripts in the package's folder, so the CLI would create the project inside
// this checkout. INIT_CWD is where the user ran npm; relative paths are taken from there.
process.chdir(process.env.INIT_CWD ?? process.cwd());
await import('../bin/create-mcp-prod.js');
