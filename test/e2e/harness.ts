import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { execa, type ResultPromise } from 'execa';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { missingTool, ROOT } from '../helpers.js';

/** Helpers for end-to-end tests on generated projects: real processes, real ports, real clients. */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a command in a generated project as CI would (no stdin, CI=true); never throws, output in `all`. */
export function runIn(dir: string, cmd: string, args: string[], env: Record<string, string> = {}) {
  return execa(cmd, args, {
    cwd: dir,
    reject: false,
    stdin: 'ignore',
    all: true,
    timeout: 600_000,
    env: { CI: 'true', ...env },
  });
}

/** Reads KEY=VALUE lines of a dotenv file. */
export async function readEnv(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export interface Running {
  url: string;
  port: number;
  proc: ResultPromise;
  /** What the server has printed so far. */
  logs(): string;
  /**
   * What it has printed once the lines in transit are in: the server writes each line as it logs it, and the
   * pipe brings it here a moment later. With `until`, it waits up to 5 s more for a line that matches.
   */
  settledLogs(until?: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `node dist/http.js` on a free port (or `port`) and waits until it answers. */
export async function startHttp(dir: string, env: Record<string, string>, port?: number): Promise<Running> {
  port ??= await freePort();
  let logs = '';
  const proc = execa('node', ['dist/http.js'], {
    cwd: dir,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
  });
  let exited: number | undefined;
  void proc.then((r) => (exited = r.exitCode ?? -1));
  proc.stdout?.on('data', (d: Buffer) => (logs += d));
  proc.stderr?.on('data', (d: Buffer) => (logs += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited (${exited}):\n${logs}`);
    const ok = await fetch(`${url}/mcp`, { method: 'GET' }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server did not listen on ${url}:\n${logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    proc,
    logs: () => logs,
    settledLogs: async (until) => {
      const deadline = Date.now() + 5_300;
      await new Promise((r) => setTimeout(r, 300));
      while (until && !until.test(logs) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return logs;
    },
    stop: async () => {
      proc.kill('SIGTERM');
      await proc;
    },
  };
}

const INSPECTOR = path.join(ROOT, 'node_modules', '.bin', 'mcp-inspector');

/** The MCP Inspector CLI, as a user runs it: `mcp-inspector --cli <target> --method ...`. */
export async function inspector(
  target: string[],
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const r = await execa(INSPECTOR, ['--cli', ...target, ...args], {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
    cwd: options.cwd,
    env: { ...options.env },
  });
  return r;
}

export function client(): Client {
  return new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
}

export async function callOverHttp(
  url: string,
  tool: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const c = client();
  await c.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  try {
    return { era: c.getProtocolEra(), result: await c.callTool({ name: tool, arguments: args }) };
  } finally {
    await c.close();
  }
}

export async function callOverStdio(
  dir: string,
  tool: string,
  args: Record<string, unknown>,
  env: Record<string, string> = {},
) {
  const c = client();
  await c.connect(
    new StdioClientTransport({
      command: 'node',
      args: ['dist/stdio.js'],
      cwd: dir,
      env: { ...(process.env as Record<string, string>), ...env },
      stderr: 'pipe',
    }),
  );
  try {
    return { era: c.getProtocolEra(), result: await c.callTool({ name: tool, arguments: args }) };
  } finally {
    await c.close();
  }
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('');
}

/** A throwaway redis-server on a free loopback port, or undefined (with the reason) when none is installed. */
export async function startRedis(): Promise<
  { url: string; stop(): Promise<void>; proc: ResultPromise } | { skip: string }
> {
  const which = await execa('sh', ['-c', 'command -v redis-server'], { reject: false });
  if (which.exitCode !== 0)
    return { skip: missingTool('redis-server is not installed (apt-get install redis-server)') };
  const port = await freePort();
  const proc = execa(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      reject: false,
      stdin: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ping = await execa('redis-cli', ['-p', String(port), 'ping'], { reject: false });
    if (ping.stdout.trim() === 'PONG') break;
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    proc,
    stop: async () => {
      proc.kill('SIGTERM');
      await proc;
    },
  };
}

/** A modern-era (2026-07-28) JSON-RPC request over raw HTTP, as the spec puts it on the wire. */
export async function rpc(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const name = typeof params.name === 'string' ? params.name : undefined;
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(name && { 'mcp-name': name }),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'e2e', version: '1.0.0' },
        },
      },
    }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // SSE or plain text: keep the text.
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * Registry drift, test-only: a registry that lacks an optional dependency makes `npm install` write a lock without
 * it, and `npm ci` then rejects that lock ("Missing: <pkg>@ from lock file"). Today that is
 * `napi-windows-process-start-time`, an optional dependency of vite >= 8.4 (pulled in by vitest). On a machine that
 * reaches the public registry the lock is complete and nothing here changes. When, and only when, `npm ci
 * --dry-run` fails that way, this pins vite below 8.4 in the test's own copy of the project and reinstalls.
 * The generated project (and what users get) is never changed by it. Returns a line saying what it did, if anything.
 */
export async function makeNpmCiWork(dir: string): Promise<string | undefined> {
  const dry = await runIn(dir, 'npm', ['ci', '--dry-run', '--no-audit', '--no-fund']);
  if (dry.exitCode === 0) return undefined;
  if (!MISSING_FROM_LOCK.test(dry.all ?? '')) {
    throw new Error(`npm ci --dry-run fails for another reason than known registry drift:\n${dry.all}`);
  }
  const note = await pinVite(dir, 'npm');
  const install = await runIn(dir, 'npm', ['install', '--no-audit', '--no-fund']);
  if (install.exitCode !== 0) throw new Error(`npm install with vite pinned below 8.4 failed:\n${install.all}`);
  const again = await runIn(dir, 'npm', ['ci', '--dry-run', '--no-audit', '--no-fund']);
  if (again.exitCode !== 0) throw new Error(`npm ci --dry-run still fails after pinning vite:\n${again.all}`);
  return note;
}

/** What the registry gap looks like in a package manager's output. */
export const REGISTRY_DRIFT = /napi-windows-process-start-time/;
const MISSING_FROM_LOCK = /Missing: napi-windows-process-start-time@\S* from lock file/;

/**
 * The one pin of the registry-drift workaround (test-only): vite below 8.4 in the test's copy of a project, in the
 * key its package manager reads (npm `overrides`, pnpm `pnpm.overrides`, Yarn `resolutions`). Prints and returns a
 * line saying so. Callers use it only after seeing REGISTRY_DRIFT in a failed install.
 */
export async function pinVite(dir: string, pm: 'npm' | 'pnpm' | 'yarn'): Promise<string> {
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
  const pin = { vite: '~8.3.8' };
  if (pm === 'yarn') pkg.resolutions = { ...pkg.resolutions, ...pin };
  else if (pm === 'pnpm') pkg.pnpm = { ...pkg.pnpm, overrides: { ...pkg.pnpm?.overrides, ...pin } };
  else pkg.overrides = { ...pkg.overrides, ...pin };
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
  const note = `[registry drift] napi-windows-process-start-time is not served by this registry; pinned vite ~8.3.8 for ${pm} in the test's copy of ${path.basename(dir)}`;
  console.warn(note);
  return note;
}

/** The edits a user makes to a generated project: `add` and `upgrade` must keep every one (docs/add.md). */
export const USER_EDITS = {
  server: 'export const ownedByUs = true;',
  tool: '// Team note: echo is used by the smoke tests.',
  readme: '## Our deployment',
  env: 'MY_SETTING=1',
  script: ['hello', 'node -e "console.log(\'hello from a user script\')"'] as const,
};

/**
 * Makes USER_EDITS in the project at `dir`, with a range of its own for dependency `dep` (from the generated
 * version up to the next major), and returns the check that every edit is still there.
 */
export async function makeUserEdits(dir: string, dep: string): Promise<(step: string) => Promise<void>> {
  const read = (file: string) => readFile(path.join(dir, file), 'utf8');
  const edit = async (file: string, change: (text: string) => string) =>
    writeFile(path.join(dir, file), change(await read(file)));
  let range = '';
  await edit('package.json', (text) => {
    const pkg = JSON.parse(text);
    const version = pkg.dependencies[dep].replace(/^[~^]/, '');
    range = `>=${version} <${Number(/\d+/.exec(version)![0]) + 1}`;
    pkg.dependencies[dep] = range;
    pkg.scripts[USER_EDITS.script[0]] = USER_EDITS.script[1];
    return `${JSON.stringify(pkg, null, 2)}\n`;
  });
  await edit('src/server.ts', (text) => `${text}\n${USER_EDITS.server}\n`);
  await edit('src/tools/echo.ts', (text) => `${text}\n${USER_EDITS.tool}\n`);
  await edit('README.md', (text) => `${text}\n${USER_EDITS.readme}\n\nAsk the platform team before deploying.\n`);
  await edit('.env', (text) => `${text}\n${USER_EDITS.env}\n`);
  return async (step) => {
    const pkg = JSON.parse(await read('package.json'));
    expect(pkg.dependencies[dep], `${step}: my range of ${dep}`).toBe(range);
    expect(pkg.scripts[USER_EDITS.script[0]], `${step}: my script`).toBe(USER_EDITS.script[1]);
    expect(await read('src/server.ts'), step).toContain(USER_EDITS.server);
    expect(await read('src/tools/echo.ts'), step).toContain(USER_EDITS.tool);
    expect(await read('README.md'), step).toContain(USER_EDITS.readme);
    expect(await read('.env'), step).toContain(`${USER_EDITS.env}\n`);
  };
}

/** A released create-mcp-prod, packed from this repository's history (packedRelease). */
export interface PackedRelease {
  /** `create-mcp-prod-<version>.tgz`, as `npm pack` made it: `upgrade --from <tarball>`. */
  tarball: string;
  /** Its CLI, to generate a project as that version did. */
  bin: string;
  /** The built checkout (npm pack ran its prepack build): `upgrade --from <directory>`. */
  dir: string;
}

/**
 * The release at `commit` of this repository, built and packed as it was published: `git archive <commit>`, then
 * `npm ci && npm pack` there. Cached under node_modules/.cache/create-mcp-prod-releases/<commit> (a commit's
 * content never changes; `npm ci` in this checkout clears it): built beside it and renamed into place, so an
 * interrupted build leaves nothing. Without that commit in the git history (a shallow clone) it returns `skip`
 * (missingTool: CI fails instead).
 */
export async function packedRelease(commit: string, version: string): Promise<PackedRelease | { skip: string }> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'create-mcp-prod-releases', commit);
  const release = {
    tarball: path.join(dir, `create-mcp-prod-${version}.tgz`),
    bin: path.join(dir, 'bin', 'create-mcp-prod.js'),
    dir,
  };
  if (existsSync(release.tarball) && existsSync(path.join(dir, 'dist'))) return release;
  const building = `${dir}.${process.pid}.tmp`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  try {
    const archive = await runIn(ROOT, 'sh', ['-c', `git archive ${commit} | tar -x -C "${building}"`]);
    if (archive.exitCode !== 0)
      return { skip: missingTool(`git history with commit ${commit} (a full clone): ${archive.all}`) };
    for (const args of [['ci', '--no-audit', '--no-fund'], ['pack']]) {
      const r = await runIn(building, 'npm', args);
      if (r.exitCode !== 0) throw new Error(`npm ${args.join(' ')} in ${commit}: ${r.all}`);
    }
    if (!existsSync(path.join(building, `create-mcp-prod-${version}.tgz`)))
      throw new Error(`npm pack in ${commit} made no create-mcp-prod-${version}.tgz: is ${commit} version ${version}?`);
    await rm(dir, { recursive: true, force: true });
    await rename(building, dir);
    return release;
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/**
 * An authorization server's key set (JWKS) on a free loopback port, and the key that signs its tokens: what an
 * OAuth resource server verifies against (`OAUTH_JWKS_URL` = `${issuer}/jwks.json`).
 */
export async function startJwks(): Promise<{ issuer: string; privateKey: CryptoKey; close(): Promise<void> }> {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = createHttpServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    issuer: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    privateKey: pair.privateKey,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
