import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../helpers.js';
import { readEnv, runIn } from './harness.js';
import {
  echoCall,
  mcpSession,
  rawPost,
  runtimeTools,
  startRuntime,
  writeReadmeEntries,
  type ReadmeEntry,
  type Runtime,
  type RuntimeServer,
} from './runtimes.js';

/**
 * Generated HTTP projects served by the runtimes they are made for, and the same checks against each: both protocol
 * eras with the SDK client (tools listed and called, the example resource read and the example prompt got), 401
 * without an API key or with a wrong one, 403 for a foreign Host, 413 past MAX_BODY_BYTES, 429 with Retry-After past
 * RATE_LIMIT_PER_MINUTE.
 *
 * - A node project on Node (src/http.ts, the reference), and on Bun and Deno with the entries its README shows
 *   (written into the project exactly as the README has them, and run with the README's commands).
 * - A `--runtime workers` project as generated, under its own `wrangler dev` (workerd), and on Node (src/http.ts,
 *   where its own tests run the app).
 *
 * Bun's and Deno's npm packages are installed into .ci/.runtimes (runtimes.ts); with CI set, one that cannot be
 * installed fails this file instead of skipping it (test/helpers.ts missingTool).
 */

interface Project {
  args: string[];
  /** The runtimes that serve it. */
  runtimes: Runtime[];
  auth: boolean;
  ratelimit: boolean;
}

const ON_NODE: Runtime[] = ['node', 'bun', 'deno'];
const ON_WORKERS: Runtime[] = ['workers', 'node'];
const WORKERS = ['--runtime', 'workers', '-t', 'http'];

const PROJECTS: Record<string, Project> = {
  // Every feature: API keys (rate limits keyed by the key), logging (pino), metrics, tracing (no endpoint), ...
  all: {
    args: ['-t', 'http', '-f', 'all', '--auth', 'apikey', '--store', 'memory'],
    runtimes: ON_NODE,
    auth: true,
    ratelimit: true,
  },
  minimal: { args: ['-t', 'http', '-f', 'tests'], runtimes: ON_NODE, auth: false, ratelimit: false },
  // No authentication: rate limits keyed by the client's address, which each runtime's entry gives.
  anonymous: { args: ['-t', 'http', '-f', 'ratelimit,health'], runtimes: ON_NODE, auth: false, ratelimit: true },
  // Every feature that Workers accept (the runtime refuses logging, metrics, tracing, docker and Redis).
  'workers-all': {
    args: [...WORKERS, '-f', 'auth,cache,breaker,ratelimit,health,tests', '--auth', 'apikey', '--store', 'memory'],
    runtimes: ON_WORKERS,
    auth: true,
    ratelimit: true,
  },
  'workers-minimal': { args: [...WORKERS, '-f', 'tests'], runtimes: ON_WORKERS, auth: false, ratelimit: false },
  // The address comes from CF-Connecting-IP.
  'workers-anonymous': {
    args: [...WORKERS, '-f', 'ratelimit,health'],
    runtimes: ON_WORKERS,
    auth: false,
    ratelimit: true,
  },
};

const LIMIT = 5;
const MAX_BODY_BYTES = 65_536;

// No known failures (2026-12: wrangler 4.164 / workerd 2026-11-17, Bun 1.4, Deno 2.9): the table of checks that
// failed on a runtime (package.json read from disk, Node's getConnInfo, a hand-written Worker entry) went with the
// fixes. A check that fails now is a regression.

// Installed before the tests are collected, so that a runtime that is not there is a visible skip (or, in CI, a
// failure), never a test that passes because it expected to fail.
const tools = await runtimeTools();

let work: string;
beforeAll(async () => {
  work = await tempDir('cmp-rt-');
});
afterAll(async () => {
  await removeDir(work);
});

describe.each(Object.entries(PROJECTS))('%s project', (name, project) => {
  const dir = () => path.join(work, name);
  let env: Record<string, string>;
  let entries: Record<'bun' | 'deno', ReadmeEntry> | undefined;

  beforeAll(async () => {
    const r = await cli([name, '--yes', '--no-git', ...project.args], { cwd: work, timeout: 600_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    // Bun and Deno: the README's own entries, exactly as a user pastes them (they compile with the project).
    if (project.runtimes.includes('bun')) entries = await writeReadmeEntries(dir());
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const dotenv = await readEnv(path.join(dir(), '.env'));
    env = {
      LOG_LEVEL: 'warn',
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      ...(project.ratelimit && { RATE_LIMIT_PER_MINUTE: String(LIMIT) }),
      ...(project.auth && { MCP_API_KEYS: dotenv.MCP_API_KEYS! }),
    };
  });

  describe.each(project.runtimes)('on %s', (runtime) => {
    const tool = runtime === 'bun' || runtime === 'deno' ? tools[runtime] : undefined;
    const skip = typeof tool === 'object' ? tool.skip : undefined;
    /** Bun and Deno: the README's commands, its last one with the runtime's installed binary (the others first). */
    const serve = async (): Promise<string[]> => {
      if (runtime !== 'bun' && runtime !== 'deno') return [];
      const commands = entries![runtime].commands;
      for (const before of commands.slice(0, -1)) {
        const r = await runIn(dir(), before[0]!, before.slice(1));
        expect(r.exitCode, r.all).toBe(0);
      }
      const last = commands.at(-1)!;
      expect(last[0], `the README's command for ${runtime}`).toBe(runtime);
      return [tool as string, ...last.slice(1)];
    };
    let started: Promise<RuntimeServer> | undefined;
    // Started by the first check that needs it: a server that cannot start fails each check with its output.
    const server = () => (started ??= serve().then((command) => startRuntime(runtime, dir(), env, command)));
    const auth = (): Record<string, string> =>
      project.auth ? { authorization: `Bearer ${env.MCP_API_KEYS!.split(',')[0]}` } : {};
    afterAll(async () => {
      await started?.then(
        (s) => s.stop(),
        () => undefined,
      );
    });

    function check(title: string, body: (s: RuntimeServer) => Promise<void>) {
      const run = async () => {
        let s: RuntimeServer | undefined;
        try {
          s = await server();
          await body(s);
        } catch (error) {
          // The server's own words make the failure readable (once its output has come through the pipe).
          await new Promise((resolve) => setTimeout(resolve, 300));
          const output = s ? `\n--- ${runtime} output ---\n${s.logs().slice(-4000)}` : '';
          throw new Error(`${(error as Error).message}${output}`);
        }
      };
      // Only outside CI: a runtime binary that could not be installed is reported as skipped, with its reason
      // (runtimes.ts); with CI set, missingTool has already failed the run instead.
      if (skip !== undefined) return it.skip(`${title} [${skip}]`, () => {});
      return it(title, run);
    }

    check('2026-07-28 client: tools listed and called, config://upstream read, weather_alerts got', async (s) => {
      await mcpSession(s.url, 'modern', auth());
    });

    check('2025 client: tools listed and called, config://upstream read, weather_alerts got', async (s) => {
      await mcpSession(s.url, 'legacy', auth());
    });

    if (project.auth) {
      check('401 with a Bearer challenge without an API key or with a wrong one', async (s) => {
        const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-key-of-this-server' }];
        for (const headers of attempts) {
          const r = await rawPost(s.url, headers, '{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
          expect(r.status).toBe(401);
          expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer/);
        }
      });
    }

    check('403 for a Host that is not the loopback server’s (DNS rebinding)', async (s) => {
      const r = await rawPost(
        s.url,
        { host: 'evil.example', ...auth() },
        '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      );
      expect(r.status).toBe(403);
    });

    check('413 for a body over MAX_BODY_BYTES', async (s) => {
      const text = 'x'.repeat(MAX_BODY_BYTES + 1024);
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text } },
      });
      const r = await rawPost(s.url, auth(), body);
      expect(r.status).toBe(413);
    });

    // Last: it uses up the minute's tool calls.
    if (project.ratelimit) {
      check(`429 with Retry-After past RATE_LIMIT_PER_MINUTE=${LIMIT}`, async (s) => {
        const statuses: number[] = [];
        let retryAfter: string | null = null;
        for (let i = 0; i <= LIMIT; i++) {
          const r = await echoCall(s.url, auth());
          statuses.push(r.status);
          if (r.status === 429) {
            retryAfter = r.headers.get('retry-after');
            break;
          }
        }
        expect(statuses.at(-1), `statuses: ${statuses.join(', ')}`).toBe(429);
        expect(
          statuses.slice(0, -1).every((status) => status === 200),
          `statuses: ${statuses.join(', ')}`,
        ).toBe(true);
        expect(Number(retryAfter)).toBeGreaterThan(0);
      });
    }
  });
});
