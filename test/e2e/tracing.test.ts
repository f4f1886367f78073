import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';
import { inspector, readEnv, runIn, startHttp } from './harness.js';

/**
 * The tracing feature as a user meets it: a project made with `tracing` installs, builds and passes its own
 * tests; started for real with OTEL_EXPORTER_OTLP_ENDPOINT, it sends the spans of the MCP Inspector's calls to an
 * OTLP/HTTP receiver (this test's), over HTTP and over stdio, with the trace continuing into the upstream API.
 * `add tracing` to a project the user edited keeps the edits and gives the files of `create` with tracing.
 */
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

async function startReceiver() {
  const spans: Span[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      const payload = JSON.parse(body) as {
        resourceSpans: Array<{
          scopeSpans: Array<{
            spans: Array<
              Omit<Span, 'attributes'> & { attributes: Array<{ key: string; value: Record<string, unknown> }> }
            >;
          }>;
        }>;
      };
      for (const { scopeSpans } of payload.resourceSpans) {
        for (const { spans: batch } of scopeSpans) {
          for (const span of batch) {
            const attributes = Object.fromEntries(
              span.attributes.map(({ key, value }) => [key, Object.values(value)[0]]),
            );
            spans.push({ ...span, attributes });
          }
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A stand-in for the upstream API that keeps the headers it got. */
async function startUpstream() {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    headers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let work: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  work = await tempDir('cmp-tracing-');
  receiver = await startReceiver();
  upstream = await startUpstream();
});
afterAll(async () => {
  await receiver.close();
  await upstream.close();
  await removeDir(work);
});

describe('a project with tracing', () => {
  const dir = () => path.join(work, 'traced');
  let env: Record<string, string>;

  beforeAll(async () => {
    const r = await cli(
      ['traced', '--yes', '--no-git', '-t', 'both', '-f', 'auth,cache,breaker,ratelimit,logging,metrics,tracing,tests'],
      { cwd: work, timeout: 600_000 },
    );
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    env = await readEnv(path.join(dir(), '.env'));
  });

  it('builds and passes its own tests (a local OTLP receiver, HTTP and stdio)', async () => {
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const test = await runIn(dir(), 'npm', ['test', '--', 'test/tracing.test.ts']);
    expect(test.exitCode, test.all).toBe(0);
    expect(test.all.replace(/\x1b\[[\d;]*m/g, '')).toMatch(/test\/tracing\.test\.ts \(\d+ tests\)/);
  });

  it('exports the spans of the Inspector calls over HTTP, and the trace reaches the upstream', async () => {
    const key = env.MCP_API_KEYS!.split(',')[0]!;
    const server = await startHttp(dir(), {
      ...env,
      UPSTREAM_BASE_URL: upstream.url,
      // The stub upstream is on loopback, which the upstream client refuses by default.
      UPSTREAM_ALLOW_PRIVATE: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'e2e-http',
    });
    try {
      const header = ['--header', `Authorization: Bearer ${key}`];
      const call = await inspector(
        [`${server.url}/mcp`],
        ['--method', 'tools/call', '--tool-name', 'upstream_get', '--tool-arg', 'path=hello', ...header],
      );
      expect(call.exitCode, `${call.stdout}\n${call.stderr}`).toBe(0);
      const list = await inspector([`${server.url}/mcp`], ['--method', 'tools/list', ...header]);
      expect(list.exitCode, `${list.stdout}\n${list.stderr}`).toBe(0);
    } finally {
      // SIGTERM: the spans still buffered are flushed on the way out.
      await server.stop();
    }
    const call = receiver.spans.find((span) => span.name === 'tools/call upstream_get');
    expect(call?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'upstream_get',
      'gen_ai.operation.name': 'execute_tool',
      'network.transport': 'tcp',
    });
    expect(receiver.spans.some((span) => span.name === 'tools/list')).toBe(true);
    const get = receiver.spans.find((span) => span.name === 'GET' && span.parentSpanId === call?.spanId);
    expect(upstream.headers.at(-1)?.traceparent).toBe(`00-${call?.traceId}-${get?.spanId}-01`);
    // The API key never travels with the spans.
    expect(receiver.bodies.join('\n')).not.toContain(key);
    const traced = `"trace_id":"${call?.traceId}"`;
    expect(await server.settledLogs(new RegExp(traced))).toContain(traced);
  });

  it('exports the spans of the Inspector calls over stdio, flushed when the client closes stdin', async () => {
    // The Inspector starts the server with a minimal environment: settings go as -e KEY=VALUE.
    const call = await inspector(
      ['node', 'dist/stdio.js'],
      [
        '-e',
        `OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.url}`,
        '-e',
        'OTEL_SERVICE_NAME=e2e-stdio',
        '--method',
        'tools/call',
        '--tool-name',
        'echo',
        '--tool-arg',
        'text=piped',
      ],
      { cwd: dir(), env: { PATH: process.env.PATH ?? '' } },
    );
    expect(call.exitCode, `${call.stdout}\n${call.stderr}`).toBe(0);
    expect(call.stdout).toContain('piped');
    const piped = () =>
      receiver.spans.find((s) => s.name === 'tools/call echo' && s.attributes['network.transport'] === 'pipe');
    const deadline = Date.now() + 10_000;
    while (!piped()) {
      if (Date.now() > deadline) throw new Error('no stdio span reached the receiver');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(piped()?.attributes['gen_ai.tool.name']).toBe('echo');
  });
});

describe('add tracing', () => {
  it('keeps the edits of a project and otherwise gives the files of create with tracing', async () => {
    // Same name, so that the two renders can be compared file by file.
    const make = async (parent: string, features: string) => {
      const cwd = path.join(work, parent);
      await mkdir(cwd, { recursive: true });
      const r = await cli(['app', '--yes', '--no-git', '--no-install', '-t', 'http', '-f', features], { cwd });
      expect(r.exitCode, r.stderr).toBe(0);
      return path.join(cwd, 'app');
    };
    const grown = await make('grown', 'cache,breaker,metrics,tests');
    const direct = await make('direct', 'cache,breaker,metrics,tracing,tests');
    const edits: Record<string, string> = {
      'src/server.ts': '\nexport const ownedByUs = true;\n',
      'src/tools/echo.ts': '\n// Team note: echo is used by the smoke tests.\n',
      'README.md': '\n## Our deployment\n\nAsk the platform team.\n',
    };
    for (const [file, line] of Object.entries(edits)) {
      await writeFile(path.join(grown, file), (await readFile(path.join(grown, file), 'utf8')) + line);
    }
    const r = await cli(['add', 'tracing', '--yes', '--no-install'], { cwd: grown });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const [after, expected] = [await snapshot(grown), await snapshot(direct)];
    for (const [file, line] of Object.entries(edits)) expect(after[file], file).toBe(expected[file] + line);
    const secretless = (text = '') => text.replace(/=[\w-]{43}$/gm, '=<secret>');
    for (const file of Object.keys(expected)) {
      if (file in edits || file === '.mcp-prod.json') continue;
      expect(secretless(after[file]), file).toBe(secretless(expected[file]));
    }
  });
});
