import type { Hono } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppEnv } from './app.js';
import type { Readiness } from './readiness.js';
import { secretMatcher } from './secrets.js';
import type { FinishedCall } from './tool.js';

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The server's Prometheus metrics. One registry per `Metrics`, so that tests can build several. */
export class Metrics {
  readonly registry = new Registry();
  readonly #registers = [this.registry];
  readonly #toolCalls = new Counter({
    name: 'mcp_tool_calls_total',
    help: 'Tool calls by tool and outcome (ok, error, invalid_input, failed, cancelled).',
    labelNames: ['tool', 'outcome'],
    registers: this.#registers,
  });
  readonly #toolDuration = new Histogram({
    name: 'mcp_tool_call_duration_seconds',
    help: 'Duration of tool calls, validation to result.',
    labelNames: ['tool'],
    buckets,
    registers: this.#registers,
  });
  readonly #calls = new Counter({
    name: 'mcp_calls_total',
    help: 'Calls of every method (tools/call, resources/read, prompts/get) by name and outcome.',
    labelNames: ['method', 'name', 'outcome'],
    registers: this.#registers,
  });
  readonly #callDuration = new Histogram({
    name: 'mcp_call_duration_seconds',
    help: 'Duration of calls of every method, validation to result.',
    labelNames: ['method', 'name'],
    buckets,
    registers: this.#registers,
  });
  readonly #cacheRequests = new Counter({
    name: 'mcp_cache_requests_total',
    help: 'Calls a cache in the call pipeline served: hit, miss, or bypass (the cache store failed).',
    labelNames: ['result'],
    registers: this.#registers,
  });
  readonly #httpRequests = new Counter({
    name: 'mcp_http_requests_total',
    help: 'HTTP requests by response status.',
    labelNames: ['status'],
    registers: this.#registers,
  });
  readonly #rateLimited = new Counter({
    name: 'mcp_rate_limited_total',
    help: 'Requests refused with 429 (rate limited).',
    registers: this.#registers,
  });

  /**
   * Node.js process metrics, and `mcp_readiness_check{check,required}`: 1 while a readiness check passes, 0
   * while it fails, read at each scrape.
   */
  constructor(readiness: Readiness) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'mcp_readiness_check',
      help: 'Readiness checks: 1 passing, 0 failing; required="false" ones do not fail readiness.',
      labelNames: ['check', 'required'],
      registers: this.#registers,
      async collect() {
        const { checks } = await readiness.report();
        this.reset();
        for (const [check, { ok, required }] of Object.entries(checks)) {
          this.set({ check, required: String(required) }, ok ? 1 : 0);
        }
      },
    });
  }

  /**
   * A call is over (an observer of the pipeline, src/tool.ts): counted per method, per tool for tool calls,
   * and by how a cache served it when a wrapper noted it (`notes.cache`).
   */
  call({ method, name, outcome, seconds, notes }: FinishedCall): void {
    this.#calls.inc({ method, name, outcome });
    this.#callDuration.observe({ method, name }, seconds);
    if (notes.cache) this.#cacheRequests.inc({ result: notes.cache });
    if (method !== 'tools/call') return;
    this.#toolCalls.inc({ tool: name, outcome });
    this.#toolDuration.observe({ tool: name }, seconds);
  }

  /** Counts an HTTP answer by status (a hook of the HTTP app, src/app.ts). */
  countResponse(status: number): void {
    this.#httpRequests.inc({ status });
    if (status === 429) this.#rateLimited.inc();
  }

  /**
   * `GET /metrics` in the Prometheus text format. With tokens (METRICS_TOKEN, comma-separated so that one can
   * be rotated) scrapers must send `Authorization: Bearer <one of them>`, compared in constant time.
   */
  routes(tokens: readonly string[]): (app: Hono<AppEnv>) => void {
    const match = secretMatcher(tokens);
    return (app) => {
      app.get('/metrics', async (c) => {
        const presented = c.req.header('authorization')?.replace(/^Bearer /, '') ?? '';
        if (tokens.length > 0 && match(presented) === -1) {
          c.header('www-authenticate', 'Bearer realm="metrics"');
          return c.json({ error: 'Unauthorized' }, 401);
        }
        c.header('content-type', this.registry.contentType);
        return c.body(await this.registry.metrics());
      });
    };
  }
}
