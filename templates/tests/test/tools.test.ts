import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { prompts } from '../src/prompts/index.js';
import { resources } from '../src/resources/index.js';
import type { Services } from '../src/services.js';
import { defineTool, toolRegistrar } from '../src/tool.js';
import { tools } from '../src/tools/index.js';
import { upstreamUrl } from '../src/upstream.js';
import {
  legacyClient,
  modernClient,
  stubUpstream,
  testServices,
  textOf,
  type Stub,
} from './helpers.js';

let upstream: Stub;
let services: Services;

/**
 * The example tools, resource and prompt are checked while the project has them: delete one, or add your own,
 * and this suite still checks every tool, resource and prompt of the index files.
 */
const has = (name: string) => tools.some((tool) => tool.name === name);
const hasResource = (name: string) => resources.some((resource) => resource.name === name);
const hasPrompt = (name: string) => prompts.some((prompt) => prompt.name === name);

beforeAll(async () => {
  upstream = await stubUpstream((req, res) => {
    if (req.url?.startsWith('/api/missing')) {
      res.statusCode = 404;
      res.end('not here');
    } else if (req.url?.startsWith('/api/moved')) {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    } else if (req.url?.startsWith('/api/crash')) {
      req.socket.destroy();
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url }));
    }
  });
  services = testServices({ UPSTREAM_BASE_URL: upstream.url });
});

afterAll(async () => {
  await services.close();
  await upstream.close();
});

describe.each([
  ['2026-07-28 (modern)', modernClient, 'modern'],
  ['2025 (legacy)', legacyClient, 'legacy'],
] as const)('tools over the %s protocol', (_era, connect, expectedEra) => {
  let client: Client;

  beforeAll(async () => {
    client = await connect(services);
  });

  afterAll(async () => {
    await client.close();
  });

  it('negotiates that era', () => {
    expect(client.getProtocolEra()).toBe(expectedEra);
  });

  it('reports the version of package.json', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(client.getServerVersion()?.version).toBe(version);
  });

  it('lists every tool of src/tools/index.ts, each with an object input schema', async () => {
    const listed = await client.listTools();
    expect(listed.tools.map((tool) => tool.name).sort()).toEqual(
      tools.map((tool) => tool.name).sort(),
    );
    for (const tool of listed.tools) expect(tool.inputSchema.type, tool.name).toBe('object');
  });

  it.runIf(has('echo'))('advertises the limits of echo', async () => {
    const listed = await client.listTools();
    const echo = listed.tools.find((tool) => tool.name === 'echo');
    expect(echo?.inputSchema.properties?.text).toMatchObject({ type: 'string', maxLength: 10_000 });
  });

  it.runIf(has('upstream_get'))('advertises the output schema of upstream_get', async () => {
    const listed = await client.listTools();
    const upstreamGet = listed.tools.find((tool) => tool.name === 'upstream_get');
    expect(upstreamGet?.outputSchema?.required).toEqual([
      'status',
      'contentType',
      'body',
      'truncated',
    ]);
  });

  it.runIf(has('echo'))('echoes text', async () => {
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('hello');
  });

  it.runIf(has('echo'))(
    'answers invalid arguments with an isError result that says what is wrong',
    async () => {
      const result = await client.callTool({
        name: 'echo',
        arguments: { text: 'x'.repeat(10_001) },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^Invalid arguments for echo: text: .*10000/);
    },
  );

  it.runIf(has('upstream_get'))('reads a path under the upstream base URL', async () => {
    const result = await client.callTool({
      name: 'upstream_get',
      arguments: { path: 'packages/zod', query: { tag: 'latest' } },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ path: '/api/packages/zod?tag=latest' }),
      truncated: false,
    });
    // The same data as JSON text, for clients that read only text.
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  });

  it.runIf(has('upstream_get'))('reports an upstream error status as a tool error', async () => {
    const result = await client.callTool({ name: 'upstream_get', arguments: { path: 'missing' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('Upstream answered 404 for missing');
  });

  it.runIf(has('upstream_get'))('does not follow a redirect to another host', async () => {
    const result = await client.callTool({ name: 'upstream_get', arguments: { path: 'moved' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/redirects are not followed/);
  });

  it.runIf(has('upstream_get'))('refuses a path that leaves the base URL', async () => {
    const result = await client.callTool({
      name: 'upstream_get',
      arguments: { path: '../../admin' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/"\."|"\.\."/);
  });

  it.runIf(has('upstream_get'))('reports an unreachable upstream without internals', async () => {
    const result = await client.callTool({ name: 'upstream_get', arguments: { path: 'crash' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('upstream is unreachable');
  });
});

describe.each([
  ['2026-07-28 (modern)', modernClient],
  ['2025 (legacy)', legacyClient],
] as const)('resources and prompts over the %s protocol', (_era, connect) => {
  let client: Client;

  beforeAll(async () => {
    client = await connect(services);
  });

  afterAll(async () => {
    await client.close();
  });

  it('lists every resource of src/resources/index.ts (fixed URIs and URI templates)', async () => {
    const { resources: fixed } = await client.listResources();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect([...fixed, ...resourceTemplates].map((resource) => resource.name).sort()).toEqual(
      resources.map((resource) => resource.name).sort(),
    );
  });

  it('lists every prompt of src/prompts/index.ts', async () => {
    const listed = await client.listPrompts();
    expect(listed.prompts.map((prompt) => prompt.name).sort()).toEqual(
      prompts.map((prompt) => prompt.name).sort(),
    );
  });

  it.runIf(hasResource('upstream_config'))(
    'reads the upstream settings of upstream_config, and no secret',
    async () => {
      const configured = testServices({
        UPSTREAM_BASE_URL: 'https://user:password@api.example.com/v1',
        UPSTREAM_TOKEN: 'upstream-secret-token',
      });
      const reader = await connect(configured);
      try {
        const { contents } = await reader.readResource({ uri: 'config://upstream' });
        expect(contents).toEqual([
          { uri: 'config://upstream', mimeType: 'application/json', text: expect.any(String) },
        ]);
        const { text } = contents[0] as { text: string };
        expect(JSON.parse(text)).toEqual({
          baseUrl: 'https://api.example.com/v1/',
          timeoutMs: 10_000,
          sendsToken: true,
        });
        expect(text).not.toMatch(/password|upstream-secret-token/);
      } finally {
        await reader.close();
        await configured.close();
      }
    },
  );

  it.runIf(hasPrompt('weather_alerts'))('advertises the argument of weather_alerts', async () => {
    const listed = await client.listPrompts();
    const weatherAlerts = listed.prompts.find((prompt) => prompt.name === 'weather_alerts');
    expect(weatherAlerts?.arguments).toEqual([
      expect.objectContaining({ name: 'area', required: true }),
    ]);
  });

  it.runIf(hasPrompt('weather_alerts'))(
    'weather_alerts asks the model to read the alerts of a state with upstream_get',
    async () => {
      const { messages } = await client.getPrompt({
        name: 'weather_alerts',
        arguments: { area: 'ca' },
      });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        role: 'user',
        content: {
          type: 'text',
          text: expect.stringContaining(
            'Use the upstream_get tool with the path "alerts/active" and the query {"area": "CA"}',
          ),
        },
      });
    },
  );

  it.runIf(hasPrompt('weather_alerts'))(
    'weather_alerts refuses an area that is not a state code with -32602',
    async () => {
      const get = client.getPrompt({ name: 'weather_alerts', arguments: { area: 'California' } });
      await expect(get).rejects.toMatchObject({
        code: -32602,
        message: expect.stringMatching(/area/),
      });
    },
  );
});

describe('every tool', () => {
  it('has a name of its own (the server could not register two with one name)', () => {
    const names = tools.map((tool) => tool.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it.each(tools.map((tool) => [tool.name, tool] as const))(
    '%s has a name the MCP spec allows, a title and a description',
    (_name, tool) => {
      expect(tool.name).toMatch(/^[A-Za-z0-9_.-]{1,128}$/);
      expect(tool.title).not.toBe('');
      expect(tool.description).not.toBe('');
    },
  );
});

describe('every resource and prompt', () => {
  it('has a name of its own', () => {
    for (const names of [resources.map((each) => each.name), prompts.map((each) => each.name)]) {
      expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    }
  });

  it.each([...resources, ...prompts].map((each) => [each.name, each] as const))(
    '%s has a title and a description',
    (_name, each) => {
      expect(each.title).not.toBe('');
      expect(each.description).not.toBe('');
    },
  );
});

describe('upstreamUrl (SSRF)', () => {
  const base = new URL('https://api.example.com/v1/');

  it.each([
    ['users/42', 'https://api.example.com/v1/users/42'],
    ['/users/42', 'https://api.example.com/v1/users/42'],
    ['a b/c?d#e', 'https://api.example.com/v1/a%20b/c%3Fd%23e'],
    ['//evil.example/x', 'https://api.example.com/v1/evil.example/x'],
    ['https://evil.example/x', 'https://api.example.com/v1/https%3A/evil.example/x'],
    ['@evil.example', 'https://api.example.com/v1/%40evil.example'],
    ['%2e%2e/admin', 'https://api.example.com/v1/%252e%252e/admin'],
    ['..\\admin', 'https://api.example.com/v1/..%5Cadmin'],
  ])('keeps %j under the base URL', (path, expected) => {
    expect(upstreamUrl(base, path).href).toBe(expected);
  });

  it.each(['..', '../admin', 'users/../../admin', './x'])('refuses %j', (path) => {
    expect(() => upstreamUrl(base, path)).toThrow(/segments/);
  });

  it('encodes query parameters', () => {
    expect(upstreamUrl(base, 'search', { q: 'a&b=c', 'x y': '1' }).search).toBe(
      '?q=a%26b%3Dc&x+y=1',
    );
  });
});

describe('errors', () => {
  it('hide internals behind an error id that is in the logs', async () => {
    const lines: Array<Record<string, unknown>> = [];
    // A logger that keeps its lines, with the bindings of its children, as pino writes them.
    const recorder = (bindings: object): Services['logger'] => {
      const record = (level: string) => (obj: object, msg?: string) =>
        lines.push({ level, ...bindings, ...obj, msg });
      return {
        fatal: record('fatal'),
        error: record('error'),
        warn: record('warn'),
        info: record('info'),
        debug: record('debug'),
        child: (more: object) => recorder({ ...bindings, ...more }),
        flush: () => {},
      } as unknown as Services['logger'];
    };
    const logger = recorder({});
    const boom = defineTool({
      name: 'boom',
      title: 'Boom',
      description: 'Fails',
      input: z.object({}),
      run: () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432 (password=hunter2)');
      },
    });
    const server = new McpServer({ name: 'test', version: '1.0.0' });
    toolRegistrar([boom], { ...services, logger })(server, { era: 'legacy' }, () => true);
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);

    const result = await client.callTool({ name: 'boom', arguments: {} });
    await client.close();

    expect(result.isError).toBe(true);
    const id = /Error id: ([0-9a-f-]{36})$/.exec(textOf(result))?.[1];
    expect(id).toBeDefined();
    expect(textOf(result)).not.toMatch(/ECONNREFUSED|hunter2/);
    const line = lines.find((entry) => entry.requestId === id);
    expect(line).toMatchObject({ level: 'error', outcome: 'failed', msg: 'tool call failed' });
    expect(String(line?.err)).toMatch(/ECONNREFUSED/);
  });
});
