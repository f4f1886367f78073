#!/usr/bin/env node
// Prepares everything the benchmarks run, under the git-ignored `.bench/`:
//   tools    create-vite, autocannon, create-xmcp-app and the MCP conformance suite in .bench/node_modules (never in the repo's package.json)
//   gen      the generated all-features HTTP server (-t http -f all --auth apikey --store memory): install, build
//   bare     bench/bare (the bare SDK v2 server) copied to .bench/bare and installed
//   express  bench/express (the Express JSON echo) copied to .bench/express and installed
//   sdk-alone bench/sdk-alone (node:http straight into handler.fetch: the SDK's own floor) copied and installed
//   xmcp     a project made by create-xmcp-app, with the same echo tool, built
//   xmcp-0.2.1 the same project on xmcp 0.2.1 (an SDK v1 server: it speaks the 2025 protocol revisions only)
//
//   node bench/setup.mjs                 # all of them
//   node bench/setup.mjs --only gen,bare # some of them
//
// The CLI must be built first (`npm run build`). Every step starts from scratch, so a re-run picks up
// template changes.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH, ROOT, parseArgs, run } from './lib.mjs';

const args = parseArgs();
const only = args.only
  ? String(args.only).split(',')
  : ['tools', 'gen', 'bare', 'sdk-alone', 'express', 'xmcp', 'xmcp-0.2.1'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
mkdirSync(BENCH, { recursive: true });

function step(name, fn) {
  if (!only.includes(name)) return;
  const t0 = Date.now();
  process.stderr.write(`\n== setup ${name}\n`);
  fn();
  process.stderr.write(`== setup ${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

/** Copies a benchmark server's sources (not its node_modules) into .bench/ and installs it. */
function installCopy(from, to) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (src) => !src.includes('node_modules') });
  run(npm, ['install', ...quiet], { cwd: to });
}

step('tools', () => {
  if (!existsSync(path.join(BENCH, 'package.json'))) writeFileSync(path.join(BENCH, 'package.json'), '{}\n');
  run(npm, [
    'install',
    '--prefix',
    BENCH,
    ...quiet,
    'create-vite@latest',
    'autocannon@latest',
    'create-xmcp-app@latest',
    // bench/conformance.mjs: the suite release this repository's e2e tests use (test/e2e/lifecycle.test.ts).
    '@modelcontextprotocol/conformance@0.2.0-alpha.12',
  ]);
});

step('gen', () => {
  const bin = path.join(ROOT, 'bin', 'create-mcp-prod.js');
  if (!existsSync(path.join(ROOT, 'dist'))) throw new Error('Build the CLI first: npm run build');
  const dir = path.join(BENCH, 'gen');
  rmSync(dir, { recursive: true, force: true });
  run(
    process.execPath,
    [
      bin,
      'gen',
      '--yes',
      '--no-install',
      '--no-git',
      '-t',
      'http',
      '-f',
      'all',
      '--auth',
      'apikey',
      '--store',
      'memory',
    ],
    {
      cwd: BENCH,
    },
  );
  run(npm, ['install', ...quiet], { cwd: dir });
  run(npm, ['run', 'build'], { cwd: dir });
});

step('bare', () => installCopy(path.join(ROOT, 'bench', 'bare'), path.join(BENCH, 'bare')));

step('express', () => installCopy(path.join(ROOT, 'bench', 'express'), path.join(BENCH, 'express')));
step('sdk-alone', () => installCopy(path.join(ROOT, 'bench', 'sdk-alone'), path.join(BENCH, 'sdk-alone')));

/** The same trivial tool as the other servers, the way xmcp's own example tool is written. */
const XMCP_ECHO = `import { z } from "zod";
import { type ToolMetadata, type InferSchema } from "xmcp";

export const schema = {
  text: z.string().describe("The text to send back"),
};

export const metadata: ToolMetadata = {
  name: "echo",
  description: "Returns the text it is given.",
};

export default function echo({ text }: InferSchema<typeof schema>) {
  return text;
}
`;

/**
 * A project made by create-xmcp-app in .bench/<name>, with the echo tool and `port`, installed and built.
 * `adapt` changes its package.json (and anything else) before the install.
 */
function xmcpProject(name, port, adapt) {
  const dir = path.join(BENCH, name);
  rmSync(dir, { recursive: true, force: true });
  const cli = path.join(BENCH, 'node_modules', 'create-xmcp-app', 'index.js');
  run(process.execPath, [cli, name, '--yes', '--http', '--skip-install', '--use-npm'], { cwd: BENCH });
  const pkgFile = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  adapt(pkg, dir);
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(path.join(dir, 'src', 'tools', 'echo.ts'), XMCP_ECHO);
  // xmcp reads its port from xmcp.config.ts at build time (PORT in the environment is overridden).
  writeFileSync(
    path.join(dir, 'xmcp.config.ts'),
    `import { type XmcpConfig } from "xmcp";

const config: XmcpConfig = {
  http: { port: ${port} },
};

export default config;
`,
  );
  run(npm, ['install', ...quiet], { cwd: dir });
  run(npm, ['run', 'build'], { cwd: dir });
}

step('xmcp', () =>
  // create-xmcp-app 0.2.1 (the latest) is stale against xmcp 1.x. Three fixes make its project build:
  // 1. it pins zod 3.24.4, but xmcp 1.x wants zod ^3.25.76 || ^4 (npm install fails with ERESOLVE);
  // 2. `xmcp build` now needs the dev-only compiler @xmcp-dev/compiler, which the template does not list;
  // 3. the build stops when src/resources is missing ("set the resources path to false").
  xmcpProject('xmcp-app', 3103, (pkg, dir) => {
    pkg.dependencies.zod = '^4.2.0';
    pkg.devDependencies = { ...pkg.devDependencies, '@xmcp-dev/compiler': pkg.dependencies.xmcp };
    mkdirSync(path.join(dir, 'src', 'resources'), { recursive: true });
  }),
);

// xmcp 0.2.1, the release create-xmcp-app 0.2.1 was made with, as the template has it (zod 3.24.4, which its
// peer range takes): a server on SDK v1 (`@modelcontextprotocol/sdk` ^1.17), stateless, 2025 revisions only.
step('xmcp-0.2.1', () =>
  xmcpProject('xmcp-0.2.1', 3107, (pkg) => {
    pkg.dependencies.xmcp = '0.2.1';
  }),
);
