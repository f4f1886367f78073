import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../helpers.js';
import { readEnv, runIn } from './harness.js';
import {
  echoCall,
  mcpSession,
  rawPost,
  RUNTIMES,
  runtimeTools,
  startRuntime,
  writeTemporaryEntries,
  type Runtime,
  type RuntimeServer,
} from './runtimes.js';

/**
 * The same generated HTTP app served by Node (the reference), Cloudflare Workers (workerd under `wrangler dev`), Bun
 * and Deno, and the same checks against each: both protocol eras with the SDK client (tools listed and called, a
 * resource read and a prompt got when the project has them), 401 without an API key, 403 for a foreign Host, 413
 * past MAX_BODY_BYTES, 429 past RATE_LIMIT_PER_MINUTE.
 *
 * The runtimes' npm packages are installed into .ci/.runtimes (runtimes.ts); with CI set, one that cannot be
 * installed fails this file instead of skipping it (test/helpers.ts missingTool).
 */

type Check = 'modern' | 'legacy' | '401' | '403' | '413' | '429';

interface Project {
  args: string[];
  auth: boolean;
  ratelimit: boolean;
}

const PROJECTS: Record<string, Project> = {
  // Every feature: API keys (rate limits keyed by the key), logging (pino), metrics, tracing (no endpoint), ...
  all: { args: ['-t', 'http', '-f', 'all', '--auth', 'apikey', '--store', 'memory'], auth: true, ratelimit: true },
  minimal: { args: ['-t', 'http', '-f', 'tests'], auth: false, ratelimit: false },
  // No authentication: rate limits keyed by the client's address, which each runtime gives differently.
  anonymous: { args: ['-t', 'http', '-f', 'ratelimit,health'], auth: false, ratelimit: true },
};

const LIMIT = 5;
const MAX_BODY_BYTES = 65_536;

/**
 * What fails with today's templates, and why (found 2026-12-06: wrangler 4.164 / workerd 2026-11-17, Bun 1.4,
 * Deno 2.9). Such a case must fail, with output that matches its `signature`: it is reported as failing when it
 * passes (a template fix landed: delete its entry) or when it fails for another reason. Nothing is skipped.
 * Delete this table once every runtime passes.
 */
interface KnownFailure {
  reason: string;
  /** What the error or the server's output says. */
  signature: RegExp;
}

const WORKER_DOES_NOT_START: KnownFailure = {
  reason:
    "src/server.ts reads ../package.json with readFileSync when imported; a Worker has no such file ('Uncaught Error: no such file or directory, readAll '/package.json''), so it does not start; behind it, with the logging feature, pino's browser build has no destination ('pino.destination is not a function'), with metrics prom-client's default metrics call process.cpuUsage ('The process.cpuUsage method is not implemented'), with rate limits getConnInfo (below)",
  signature: /no such file or directory, readAll '\/package\.json'/,
};
const NODE_CONNINFO: KnownFailure = {
  reason:
    "src/rate-limit.ts keys anonymous callers by getConnInfo from @hono/node-server/conninfo, which reads Node's socket (c.env.incoming): every tools/call answers 500",
  signature: /@hono\/node-server\/dist\/conninfo/,
};

function knownFailure(runtime: Runtime, project: string, check: Check): KnownFailure | undefined {
  if (runtime === 'workers') return WORKER_DOES_NOT_START;
  if ((runtime === 'bun' || runtime === 'deno') && project === 'anonymous') {
    if (check === 'modern' || check === 'legacy' || check === '429') return NODE_CONNINFO;
  }
  return undefined;
}

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

  beforeAll(async () => {
    const r = await cli([name, '--yes', '--no-git', ...project.args], { cwd: work, timeout: 600_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    await writeTemporaryEntries(dir(), name);
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

  describe.each(RUNTIMES)('on %s', (runtime) => {
    const tool = tools[runtime];
    const skip = typeof tool === 'string' ? undefined : tool.skip;
    let started: Promise<RuntimeServer> | undefined;
    // Started by the first check that needs it: a server that cannot start fails each check with its output.
    const server = () => (started ??= startRuntime(runtime, tool as string, dir(), env));
    const auth = (): Record<string, string> =>
      project.auth ? { authorization: `Bearer ${env.MCP_API_KEYS!.split(',')[0]}` } : {};
    afterAll(async () => {
      await started?.then(
        (s) => s.stop(),
        () => undefined,
      );
    });

    function check(id: Check, title: string, body: (s: RuntimeServer) => Promise<void>) {
      const known = knownFailure(runtime, name, id);
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
      if (skip !== undefined) return it.skip(title, () => {});
      if (!known) return it(title, run);
      it(`${title} [fails today: ${known.reason}]`, async () => {
        await expect(run(), 'this known failure is fixed: delete its entry in knownFailure').rejects.toThrow(
          known.signature,
        );
      });
    }

    check('modern', '2026-07-28 client: tools listed and called, resource and prompt when present', async (s) => {
      await mcpSession(s.url, 'modern', auth());
    });

    check('legacy', '2025 client: tools listed and called, resource and prompt when present', async (s) => {
      await mcpSession(s.url, 'legacy', auth());
    });

    if (project.auth) {
      check('401', '401 with a Bearer challenge without an API key or with a wrong one', async (s) => {
        const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-key-of-this-server' }];
        for (const headers of attempts) {
          const r = await rawPost(s.url, headers, '{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
          expect(r.status).toBe(401);
          expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer/);
        }
      });
    }

    check('403', '403 for a Host that is not the loopback server’s (DNS rebinding)', async (s) => {
      const r = await rawPost(
        s.url,
        { host: 'evil.example', ...auth() },
        '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      );
      expect(r.status).toBe(403);
    });

    check('413', '413 for a body over MAX_BODY_BYTES', async (s) => {
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
      check('429', `429 with Retry-After past RATE_LIMIT_PER_MINUTE=${LIMIT}`, async (s) => {
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
