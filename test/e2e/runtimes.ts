import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { execa, type ResultPromise } from 'execa';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import { missingTool, ROOT } from '../helpers.js';
import { freePort, rpc, textOf } from './harness.js';

/**
 * Generated HTTP projects served on Node, Cloudflare Workers (workerd under `wrangler dev`), Bun and Deno, and the
 * same MCP checks against each (test/e2e/runtimes.test.ts). The app (src/app.ts) is web-standard; only the entry
 * that serves it differs: src/http.ts on Node, src/worker.ts in a `--runtime workers` project, and on Bun and Deno
 * the entries the generated README of a node project shows.
 */

export const RUNTIMES = ['node', 'workers', 'bun', 'deno'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/**
 * Bun's and Deno's npm packages, installed once into .ci/.runtimes (git-ignored), as `npm i --prefix` does for Node
 * in .ci/run. Workers need nothing here: a `--runtime workers` project has wrangler among its devDependencies, and
 * the test runs that one, as `npm run dev` does. The versions pinned below (Bun 1.4, Deno 2.9) are the ones these
 * tests were checked with; each package ships its runtime's binary.
 */
const TOOLS_DIR = path.join(ROOT, '.ci', '.runtimes');
const PACKAGES = ['bun@~1.4.4', 'deno@~2.9.6'];
const BINARIES = { bun: 'bun', deno: 'deno' } as const;

export type Tools = Record<keyof typeof BINARIES, string | { skip: string }>;

/**
 * The path of Bun's and Deno's binaries, installing the packages when one is missing. A runtime that cannot be
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
  const tools = {} as Tools;
  for (const [runtime, name] of Object.entries(BINARIES) as [keyof typeof BINARIES, string][]) {
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

/** What the README of a node project tells a user to do to serve the app on Bun or Deno. */
export interface ReadmeEntry {
  /** The file it tells the user to create, e.g. `src/bun.ts`. */
  file: string;
  /** Its content: the README's code block, as it is. */
  code: string;
  /** The commands it tells the user to run, in order (`npm run build`, then the runtime's own). */
  commands: string[][];
}

/**
 * The README's entry for `runtime`: the line that says "put this in `src/<runtime>.ts`, then run `...`", and the
 * TypeScript block that follows it. The test writes exactly that block and runs exactly those commands, so what
 * it proves is what a user pastes.
 */
export async function readmeEntry(dir: string, runtime: 'bun' | 'deno'): Promise<ReadmeEntry> {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  const file = `src/${runtime}.ts`;
  const at = readme.indexOf(`put this in \`${file}\``);
  if (at < 0) throw new Error(`README.md has no "put this in \`${file}\`" line`);
  const line = readme.slice(at, readme.indexOf('\n', at));
  const commands = [...line.matchAll(/`([^`]+)`/g)]
    .map((m) => m[1]!)
    // The spans that are commands (the line also names files, such as `.env`).
    .filter((span) => /^(bun|deno|npm|pnpm|yarn) /.test(span))
    .map((span) => span.split(' '));
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no TypeScript block after its ${file} line`);
  return { file, code: block[1]!, commands };
}

/** Writes the README's Bun and Deno entries into the project (before its build, which compiles them too). */
export async function writeReadmeEntries(dir: string): Promise<Record<'bun' | 'deno', ReadmeEntry>> {
  const entries = { bun: await readmeEntry(dir, 'bun'), deno: await readmeEntry(dir, 'deno') };
  for (const entry of Object.values(entries)) await writeFile(path.join(dir, entry.file), entry.code);
  return entries;
}

export interface RuntimeServer {
  runtime: Runtime;
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Serves the built project at `dir` on `runtime` on a free loopback port, with `env`, and waits until it answers
 * HTTP. Node: `node dist/http.js`; Workers: the project's own `wrangler dev` (what `npm run dev` runs) on its
 * wrangler.jsonc and src/worker.ts, with the test's settings as `--var`s; Bun and Deno: `command`, the README's
 * (its runtime binary, then its arguments).
 */
export async function startRuntime(
  runtime: Runtime,
  dir: string,
  env: Record<string, string>,
  command: string[] = [],
): Promise<RuntimeServer> {
  const port = await freePort();
  const base = { ...env, PORT: String(port), HOST: '127.0.0.1', WRANGLER_SEND_METRICS: 'false' };
  if (runtime === 'workers') {
    const inspector = await freePort();
    const vars = Object.entries(env).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
    const wrangler = path.join(dir, 'node_modules', '.bin', 'wrangler');
    if (!(await exists(wrangler))) throw new Error(`${wrangler} is missing: the project's devDependencies have it`);
    command = [
      wrangler,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      ...vars,
    ];
  } else if (runtime === 'node') command = [process.execPath, 'dist/http.js'];
  if (command.length === 0) throw new Error(`no command to serve the app on ${runtime}`);

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
 * calls the tools, reads the example resource `config://upstream` and gets the example prompt `weather_alerts`
 * (`area=CA`), which every generated project has.
 */
export async function mcpSession(url: string, era: Era, headers: Record<string, string>): Promise<void> {
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
    const { resources } = await c.listResources();
    expect(resources.map((r) => r.uri)).toContain('config://upstream');
    const read = await c.readResource({ uri: 'config://upstream' });
    const first = read.contents[0] as { uri: string; text?: string } | undefined;
    expect(first?.uri).toBe('config://upstream');
    expect(first?.text).toContain('api.weather.gov');
    const { prompts } = await c.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('weather_alerts');
    const got = await c.getPrompt({ name: 'weather_alerts', arguments: { area: 'CA' } });
    expect(got.messages.length).toBeGreaterThan(0);
    expect(JSON.stringify(got.messages)).toContain('CA');
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
