import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { execa, type ResultPromise } from 'execa';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import { missingTool, ROOT } from '../helpers.js';
import { freePort, rpc, textOf } from './harness.js';

/**
 * One generated HTTP project served on Node, Cloudflare Workers (workerd under `wrangler dev`), Bun and Deno, and
 * the same MCP checks against each (test/e2e/runtimes.test.ts). The app (src/app.ts) is web-standard; only the
 * entry that serves it differs.
 */

export const RUNTIMES = ['node', 'workers', 'bun', 'deno'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/**
 * The runtimes' npm packages, installed once into .ci/.runtimes (git-ignored), as `npm i --prefix` does for Node in
 * .ci/run. Versions checked here: docs STACK-NOTES ("Runtimes and deployment tools that work offline here").
 */
const TOOLS_DIR = path.join(ROOT, '.ci', '.runtimes');
const PACKAGES = ['wrangler@~4.164.0', 'bun@~1.4.4', 'deno@~2.9.6'];
const BINARIES: Record<Exclude<Runtime, 'node'>, string> = { workers: 'wrangler', bun: 'bun', deno: 'deno' };

export type Tools = Record<Runtime, string | { skip: string }>;

/**
 * The path of each runtime's binary, installing the packages when one is missing. A runtime that cannot be
 * installed is `{ skip }` outside CI; with CI set, missingTool throws (a green CI run must prove every runtime ran).
 */
export async function runtimeTools(): Promise<Tools> {
  const bin = (name: string) => path.join(TOOLS_DIR, 'node_modules', '.bin', name);
  const works = async (name: string) =>
    (await execa(bin(name), ['--version'], { reject: false, stdin: 'ignore', timeout: 60_000 })).exitCode === 0;
  const missing = async () => {
    const out: string[] = [];
    for (const name of Object.values(BINARIES)) if (!(await works(name))) out.push(name);
    return out;
  };
  let install = '';
  if ((await missing()).length > 0) {
    await mkdir(TOOLS_DIR, { recursive: true });
    const r = await execa(
      'npm',
      ['i', '--prefix', TOOLS_DIR, '--no-audit', '--no-fund', '--loglevel=error', ...PACKAGES],
      {
        reject: false,
        stdin: 'ignore',
        all: true,
        timeout: 600_000,
      },
    );
    install = r.all ?? '';
  }
  const still = await missing();
  const tools = { node: process.execPath } as Tools;
  for (const [runtime, name] of Object.entries(BINARIES) as [Exclude<Runtime, 'node'>, string][]) {
    tools[runtime] = still.includes(name)
      ? {
          skip: missingTool(
            `${name} could not be installed into .ci/.runtimes (npm i ${PACKAGES.join(' ')}):\n${install}`,
          ),
        }
      : bin(name);
  }
  return tools;
}

/** Workers' compatibility date: the date of the workerd that wrangler 4.164 brings (a later date is refused). */
export const COMPATIBILITY_DATE = '2026-11-17';

/**
 * TEMPORARY: the entries of the other runtimes, written by hand into the generated project until the CLI generates
 * them. TODO: switch to the `--runtime workers` output (src/worker.ts, wrangler.jsonc) once that option exists, and
 * to the generated README's one-line Bun and Deno entries; then delete this function.
 */
export async function writeTemporaryEntries(dir: string, name: string): Promise<void> {
  const header = [
    "// TEMPORARY, written by create-mcp-prod's test/e2e/runtimes.ts until the CLI generates this entry.",
    "// TODO: replace with the `--runtime workers` output / the README's Bun and Deno lines.",
  ].join('\n');
  const imports = [
    "import { createApp } from './app.js';",
    "import { loadConfigOrExit } from './config.js';",
    "import { createServices } from './services.js';",
  ].join('\n');
  const files: Record<string, string> = {
    'src/worker.ts': `${header}
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createServices } from './services.js';

type App = ReturnType<typeof createApp>;
let app: App | undefined;

export default {
  fetch(request: Request, env: Record<string, string>, ctx: Parameters<App['fetch']>[2]) {
    // Vars and secrets are the environment. Built once per isolate, on its first request.
    app ??= createApp(createServices(loadConfig({ ...process.env, ...env })));
    return app.fetch(request, env, ctx);
  },
};
`,
    'src/bun.ts': `${header}
${imports}

const config = loadConfigOrExit();
const services = createServices(config);
const app = createApp(services);
const { Bun } = globalThis as unknown as { Bun: { serve(options: object): { port: number } } };
const server = Bun.serve({ fetch: app.fetch, port: config.http.port, hostname: config.http.host });
services.logger.info({ url: \`http://\${config.http.host}:\${server.port}/mcp\` }, 'MCP server listening');
`,
    'src/deno.ts': `${header}
${imports}

const config = loadConfigOrExit();
const services = createServices(config);
const app = createApp(services);
const { Deno } = globalThis as unknown as { Deno: { serve(options: object, handler: unknown): unknown } };
Deno.serve({ port: config.http.port, hostname: config.http.host }, app.fetch);
`,
    'wrangler.jsonc': `// TEMPORARY, written by create-mcp-prod's test/e2e/runtimes.ts until \`--runtime workers\` generates it.
{
  "name": ${JSON.stringify(name)},
  "main": "src/worker.ts",
  "compatibility_date": "${COMPATIBILITY_DATE}",
  "compatibility_flags": ["nodejs_compat"]
}
`,
  };
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
}

export interface RuntimeServer {
  runtime: Runtime;
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Serves the built project at `dir` on `runtime` on a free loopback port, with `env`, and waits until it answers
 * HTTP. Node: `node dist/http.js`; Workers: `wrangler dev` (workerd) on src/worker.ts; Bun: `bun run src/bun.ts`;
 * Deno: `deno run -A dist/deno.js` (tsc's output: Deno does not map `./x.js` imports to `.ts` sources without
 * --sloppy-imports).
 */
export async function startRuntime(
  runtime: Runtime,
  tool: string,
  dir: string,
  env: Record<string, string>,
): Promise<RuntimeServer> {
  const port = await freePort();
  const base = { ...env, PORT: String(port), HOST: '127.0.0.1', WRANGLER_SEND_METRICS: 'false' };
  let command: string[];
  if (runtime === 'workers') {
    const inspector = await freePort();
    const vars = Object.entries(env).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
    command = [
      tool,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      ...vars,
    ];
  } else if (runtime === 'bun') command = [tool, 'run', 'src/bun.ts'];
  else if (runtime === 'deno') command = [tool, 'run', '-A', 'dist/deno.js'];
  else command = [tool, 'dist/http.js'];

  let logs = '';
  // Its own process group, so that stop() also ends what it spawned (wrangler runs workerd).
  const proc: ResultPromise = execa(command[0]!, command.slice(1), {
    cwd: dir,
    env: { ...base, WRANGLER_LOG_PATH: path.join(dir, '.wrangler', 'logs') },
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
    detached: true,
  });
  let exited: number | undefined;
  void proc.then((r) => (exited = r.exitCode ?? -1));
  proc.stdout?.on('data', (d: Buffer) => (logs += d));
  proc.stderr?.on('data', (d: Buffer) => (logs += d));
  const stop = async () => {
    if (exited === undefined && proc.pid) {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await proc;
      clearTimeout(timer);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  // workerd bundles and compiles on start: slower than the others.
  const deadline = Date.now() + (runtime === 'workers' ? 90_000 : 30_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`${runtime} exited (${exited}):\n${logs}`);
    if (/The Workers runtime failed to start/.test(logs)) {
      await stop();
      throw new Error(`${runtime} failed to start:\n${logs}`);
    }
    const ok = await fetch(`${url}/mcp`, { method: 'GET' }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${runtime} did not answer on ${url}:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { runtime, url, logs: () => logs, stop };
}

export type Era = 'modern' | 'legacy';

/**
 * An MCP client session in the given era: 2026-07-28 (`server/discover`, pinned) or 2025 (`initialize`). Lists and
 * calls the tools, reads the first resource and gets the first prompt when the server has them.
 */
export async function mcpSession(url: string, era: Era, headers: Record<string, string>) {
  const c = new Client(
    { name: 'e2e-runtimes', version: '1.0.0' },
    { versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'legacy' } },
  );
  await c.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  try {
    expect(c.getProtocolEra()).toBe(era);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    const call = await c.callTool({ name: 'echo', arguments: { text: `hello ${era}` } });
    expect(call.isError ?? false, textOf(call)).toBe(false);
    expect(textOf(call)).toContain(`hello ${era}`);
    const capabilities = c.getServerCapabilities() ?? {};
    const seen = { resource: false, prompt: false };
    if (capabilities.resources) {
      const { resources } = await c.listResources();
      if (resources[0]) {
        const read = await c.readResource({ uri: resources[0].uri });
        expect(read.contents.length).toBeGreaterThan(0);
        seen.resource = true;
      }
    }
    if (capabilities.prompts) {
      const { prompts } = await c.listPrompts();
      if (prompts[0]) {
        const args = Object.fromEntries((prompts[0].arguments ?? []).map((a) => [a.name, 'example']));
        const got = await c.getPrompt({ name: prompts[0].name, arguments: args });
        expect(got.messages.length).toBeGreaterThan(0);
        seen.prompt = true;
      }
    }
    return seen;
  } finally {
    await c.close();
  }
}

/**
 * A raw HTTP/1.1 POST to /mcp on its own connection (no pooling, `Connection: close`): fetch cannot send a foreign
 * `Host`, and a server that answers 413 before reading the body may close the connection under a pooled client.
 */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: '/mcp',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          connection: 'close',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
        res.on('end', done);
        res.on('error', done);
      },
    );
    // The server may answer (413) and close before it has read the whole body: keep the answer.
    // The server may answer (413) and close before it has read the whole body: an answer that came wins (a
    // settled promise ignores the later reject).
    req.on('error', (error) => setTimeout(() => reject(error), 500));
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.end(body);
  });
}

/** A modern-era `tools/call` of echo over raw HTTP (see harness.ts `rpc`). */
export const echoCall = (url: string, headers: Record<string, string>) =>
  rpc(url, 'tools/call', { name: 'echo', arguments: { text: 'limited' } }, headers);

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
