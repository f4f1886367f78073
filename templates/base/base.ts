import type { BaseDefinition } from '../../src/feature-api.js';
import { runtime } from './options.js';

/** What every generated project has, whatever the features (docs/ARCHITECTURE.md, "Feature modules"). */
export default {
  dependencies: {
    '@modelcontextprotocol/server': '^2.4.0',
    canonicalize: '^5.1.0',
    'ipaddr.js': '^2.5.0',
    zod: '^4.6.7',
  },
  devDependencies: {
    '@types/node': '^24.19.2',
    prettier: '^3.10.1',
    tsx: '^4.23.15',
    typescript: '^7.0.2',
  },
  http: {
    dependencies: {
      '@hono/node-server': '^2.1.11',
      hono: '^4.13.23',
      'secure-json-parse': '^4.1.1',
    },
    devDependencies: {},
  },
  redis: {
    dependencies: { ioredis: '^6.0.0' },
    devDependencies: {},
  },
  env: {
    first: [
      {
        title: 'HTTP',
        when: (ctx) => ctx.http,
        vars: [
          {
            name: 'PORT',
            schema: "port.default(3000)",
            default: '3000',
            description: 'Port of the HTTP server.',
          },
          {
            name: 'HOST',
            note: 'Loopback by default: a local server must not be reachable from the network (MCP spec, transports).',
            schema: "z.string().min(1).default('127.0.0.1')",
            default: '127.0.0.1',
            description:
              'Interface to bind. Keep 127.0.0.1 on a workstation; use 0.0.0.0 in a container, with ALLOWED_HOSTS set.',
          },
          {
            name: 'ALLOWED_HOSTS',
            schema: 'list',
            default: 'none',
            example: '',
            description:
              'Host names accepted in the Host header, comma-separated (DNS rebinding protection). Empty: localhost names only when HOST is a loopback address, no check otherwise.',
          },
          {
            name: 'ALLOWED_ORIGINS',
            note: 'Browsers must not reach the server from other sites, whatever HOST is (MCP spec: validate Origin).',
            schema: "list.default(['localhost', '127.0.0.1', '[::1]'])",
            default: 'localhost,127.0.0.1,[::1]',
            description:
              'Origin host names browsers may call from, comma-separated; other origins get 403 and these get the CORS headers they need. Requests without an Origin header (most MCP clients) always pass.',
          },
          {
            name: 'MAX_BODY_BYTES',
            schema: "count.default(1_048_576)",
            default: '1048576',
            description: 'Largest request body, in bytes. Larger requests get 413.',
          },
        ],
      },
      {
        title: 'Logs (always on stderr)',
        vars: [
          {
            name: 'LOG_LEVEL',
            schema: "z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')",
            default: 'info',
            description: 'fatal, error, warn, info, debug, trace or silent.',
          },
        ],
      },
      {
        title: 'Upstream API (the upstream_get tool)',
        vars: [
          {
            name: 'UPSTREAM_BASE_URL',
            schema: [
              'z',
              "    .url({ protocol: /^https?$/ })",
              "    .refine((url) => !/[?#]/.test(url), 'must not contain a query or a fragment')",
              "    .default('https://api.weather.gov/')",
            ].join('\n'),
            default: 'https://api.weather.gov/',
            description: 'Base URL of the API. Callers can only reach paths under it.',
          },
          {
            name: 'UPSTREAM_TOKEN',
            schema: 'z.string().optional()',
            default: 'none',
            example: '',
            description: 'Bearer token the server sends upstream, if the API needs one. Never a client\'s token.',
          },
          {
            name: 'UPSTREAM_TIMEOUT_MS',
            schema: 'milliseconds.default(10_000)',
            default: '10000',
            description: 'Time limit of one upstream request, in milliseconds.',
          },
          {
            name: 'UPSTREAM_ALLOW_PRIVATE',
            note: 'Upstream requests refuse non-public addresses unless told otherwise (OWASP SSRF Prevention Cheat Sheet).',
            schema: 'z.stringbool().default(false)',
            default: 'false',
            description:
              'Whether upstream requests may reach loopback, private and link-local addresses: true only when the upstream is internal. Otherwise they are refused before any connection.',
          },
          {
            name: 'UPSTREAM_ALLOWED_HOSTS',
            schema: [
              'z',
              '    .string()',
              '    .transform((value) =>',
              '      value',
              "        .split(',')",
              '        .map((host) => host.trim().toLowerCase())',
              '        .filter(Boolean),',
              '    )',
              '    .optional()',
            ].join('\n'),
            default: 'none',
            example: '',
            description:
              "Host names upstream requests may reach, comma-separated, besides UPSTREAM_BASE_URL's host; any other host is refused. Empty: any host with a public address.",
          },
        ],
      },
    ],
    last: [
      {
        title: 'Redis (the store of the cache and the rate limits, shared by every replica)',
        when: (ctx) => ctx.redis,
        vars: [
          {
            name: 'REDIS_URL',
            schema: "z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379')",
            default: 'redis://127.0.0.1:6379',
            description: 'Where Redis is (redis:// or rediss:// for TLS).',
          },
          {
            name: 'REDIS_KEY_PREFIX',
            note: "Keeps this server's keys apart from those of other servers on the same Redis.",
            schema: (ctx) => `z.string().min(1).default('${ctx.name}:')`,
            default: (ctx) => `${ctx.name}:`,
            description: 'Prefix of every key this server writes, so that several servers can share one Redis.',
          },
        ],
      },
      {
        title: 'Access of the stdio user (src/access.ts)',
        vars: [
          {
            name: 'STDIO_SCOPES',
            schema: [
              'z',
              '    .string()',
              "    .transform((value) => value.split(' ').filter(Boolean))",
              '    .optional()',
            ].join('\n'),
            default: 'every scope',
            example: '',
            description:
              'Space-separated scopes of the stdio user (the person who started the server), e.g. `notes:read notes:write`. Unset: every scope.',
            when: (ctx) => ctx.stdio,
          },
        ],
      },
      {
        title: 'Audit trail (src/audit.ts)',
        vars: [
          {
            name: 'AUDIT_LOG',
            schema: "z.string().min(1).default('stderr')",
            default: 'stderr',
            description:
              'Where the audit trail goes (one JSON line per call, whatever LOG_LEVEL says): `stderr`, or a file it is appended to.',
            // A Worker has no files: its audit trail goes to the Worker's logs.
            when: (ctx) => !ctx.workers,
          },
        ],
      },
      {
        title: 'Shutdown',
        vars: [
          {
            name: 'SHUTDOWN_DRAIN_MS',
            note: 'Behind a load balancer, long enough for it to see readiness fail and stop sending new requests.',
            schema: [
              'z.coerce',
              "    .number({ error: 'must be a whole number of milliseconds, 0 or more' })",
              "    .int('must be a whole number of milliseconds, 0 or more')",
              "    .min(0, 'must be a whole number of milliseconds, 0 or more')",
              '    .default(0)',
            ].join('\n'),
            default: '0',
            description:
              'On SIGTERM, how long (ms) the server keeps serving while it reports itself not ready, before it stops accepting connections. 0 (the default, for local runs) stops at once; set it behind a load balancer, e.g. 5000.',
            when: (ctx) => ctx.http,
          },
          {
            name: 'SHUTDOWN_TIMEOUT_MS',
            schema: 'milliseconds.default(10_000)',
            default: '10000',
            description:
              'On SIGTERM or SIGINT, how long (ms) calls in flight get to finish before the process exits anyway.',
          },
        ],
      },
    ],
  },
  when: {
    // The upstream client's connector on Node (src/upstream.ts); major 7 is the one Node 22 and 24 bundle.
    // pino's own destination writes the audit trail (src/audit.ts).
    node: { dependencies: { 'sonic-boom': '^4.2.1', undici: '^7.30.3' }, devDependencies: {} },
    workers: { dependencies: {}, devDependencies: { wrangler: '^4.164.0' } },
  },
  options: [runtime],
} satisfies BaseDefinition;
