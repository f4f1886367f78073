import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../helpers.js';
import {
  callOverHttp,
  freePort,
  inspector,
  readEnv,
  rpc,
  runIn,
  startHttp,
  startJwks,
  startRedis,
  textOf,
  type Running,
} from './harness.js';

/**
 * The features, shown against running generated servers (real processes, real Redis, a real JWKS): 401/403/429 with
 * their headers, the PRM document, a cache hit counted in /metrics, the breaker's open/half-open/closed cycle,
 * one rate limit shared by two replicas, and Redis killed mid-run with the server staying up.
 */
let work: string;

/** An upstream that answers `{"n": <count>}`, or 503 while told to fail. */
function stubUpstream() {
  let failing = false;
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    if (failing) {
      res.statusCode = 503;
      res.end('down');
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ n: hits }));
    }
  });
  return {
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    },
    fail: (on: boolean) => (failing = on),
    hits: () => hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const metric = (text: string, name: string, labels = ''): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}` : ''}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

beforeAll(async () => {
  work = await tempDir('cmp-feat-');
});
afterAll(async () => {
  await removeDir(work);
});

describe('apikey, rate limit, cache, breaker, metrics on Redis', () => {
  const dir = () => path.join(work, 'api');
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let upstream: ReturnType<typeof stubUpstream>;
  let upstreamUrl: string;
  let key: string;
  const servers: Running[] = [];
  let prefix = 0;

  beforeAll(async () => {
    redis = await startRedis();
    upstream = stubUpstream();
    upstreamUrl = await upstream.start();
    const r = await cli(
      ['api', '--yes', '--no-git', '-t', 'http', '-f', 'all', '--auth', 'apikey', '--store', 'redis'],
      {
        cwd: work,
        timeout: 600_000,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    key = (await readEnv(path.join(dir(), '.env'))).MCP_API_KEYS!.split(',')[0]!;
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    if ('stop' in redis) await redis.stop();
    await upstream.close();
  });

  async function start(env: Record<string, string> = {}) {
    if ('skip' in redis) throw new Error(redis.skip);
    const s = await startHttp(dir(), {
      MCP_API_KEYS: key,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `t${prefix}:`,
      UPSTREAM_BASE_URL: upstreamUrl,
      // The stub upstream is on loopback, which the upstream client refuses by default.
      UPSTREAM_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    });
    servers.push(s);
    return s;
  }
  const auth = () => ({ authorization: `Bearer ${key}` });
  const echo = (url: string, headers: Record<string, string> = auth()) =>
    rpc(url, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }, headers);

  it('401 with WWW-Authenticate without a key or with a wrong one; 200 with a right one', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    prefix++;
    const s = await start();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key' },
      { authorization: `Basic ${key}` },
    ];
    for (const headers of attempts) {
      const r = await echo(s.url, headers);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const ok = await echo(s.url);
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).toContain('hi');
    expect(await s.settledLogs()).not.toContain(key);
    await s.stop();
    servers.pop();
  });

  it('429 with Retry-After past the limit; probes and metrics are exempt', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    prefix++;
    const s = await start({ RATE_LIMIT_PER_MINUTE: '5' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const r = await echo(s.url);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    for (const probe of ['/health', '/ready', '/metrics']) {
      for (let i = 0; i < 8; i++) expect((await fetch(`${s.url}${probe}`)).status, probe).toBe(200);
    }
    expect(metric(await (await fetch(`${s.url}/metrics`)).text(), 'mcp_rate_limited_total')).toBeGreaterThanOrEqual(2);
    await s.stop();
    servers.pop();
  });

  it('two replicas on one Redis share one limit', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    prefix++;
    const a = await start({ RATE_LIMIT_PER_MINUTE: '6' });
    const b = await start({ RATE_LIMIT_PER_MINUTE: '6' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await echo(a.url)).status);
      statuses.push((await echo(b.url)).status);
    }
    // 8 calls, limit 6 in all: the limit is hit once, at the 7th call, whichever replica takes it.
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429]);
    await a.stop();
    await b.stop();
    servers.splice(0);
  });

  it('a repeated read-only call is served from the cache, and /metrics counts the hit', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    prefix++;
    const s = await start();
    const before = upstream.hits();
    const first = await rpc(s.url, 'tools/call', { name: 'upstream_get', arguments: { path: 'cached' } }, auth());
    const second = await rpc(s.url, 'tools/call', { name: 'upstream_get', arguments: { path: 'cached' } }, auth());
    expect(first.status).toBe(200);
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body).replace(/"id":\d+/, (m) => m));
    expect(upstream.hits() - before).toBe(1);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metric(metrics, 'mcp_cache_requests_total', 'result="hit"')).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/mcp_tool_calls_total\{tool="upstream_get",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/mcp_http_requests_total\{status="200"\} \d+/);
    await s.stop();
    servers.pop();
  });

  it('the breaker opens, fails fast, half-opens after the cool-down and closes on success', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    prefix++;
    const s = await start({ BREAKER_THRESHOLD: '3', BREAKER_COOLDOWN_MS: '1500', UPSTREAM_RETRIES: '0' });
    const call = (p: string) => rpc(s.url, 'tools/call', { name: 'upstream_get', arguments: { path: p } }, auth());
    upstream.fail(true);
    for (let i = 0; i < 3; i++) expect((await call(`fail-${i}`)).body.result.isError).toBe(true);
    const hitsWhenOpen = upstream.hits();
    const fast = await call('fail-fast');
    expect(textOf(fast.body.result)).toMatch(/upstream unavailable, retry after \d+ ?s/i);
    expect(upstream.hits()).toBe(hitsWhenOpen); // failed fast: the upstream was not called
    // Reported, not failing the probe: every replica shares the upstream and would leave the pool at once.
    const whileOpen = await fetch(`${s.url}/ready`);
    expect(whileOpen.status).toBe(200);
    expect(await whileOpen.json()).toMatchObject({ status: 'degraded', checks: { 'breaker:upstream': { ok: false } } });
    const circuit = (ok: 0 | 1) =>
      new RegExp(`^mcp_readiness_check\\{check="breaker:upstream",required="false"\\} ${ok}$`, 'm');
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(circuit(0));

    upstream.fail(false);
    await new Promise((r) => setTimeout(r, 1_700)); // cool-down: the next call is the half-open probe
    const probe = await call('recovered');
    expect(probe.body.result.isError).toBeFalsy();
    expect((await fetch(`${s.url}/ready`)).status).toBe(200);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(circuit(1));
    await s.stop();
    servers.pop();
  });

  it('Redis killed mid-run: calls still succeed and /ready reports it without failing, unless limits fail closed', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    prefix++;
    const s = await start();
    const closed = await start({ RATE_LIMIT_FAIL: 'closed' });
    expect((await echo(s.url)).status).toBe(200);
    if ('stop' in redis) await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    const during = await rpc(s.url, 'tools/call', { name: 'upstream_get', arguments: { path: 'no-redis' } }, auth());
    expect(during.status).toBe(200);
    expect(during.body.result.isError).toBeFalsy();
    const ready = await fetch(`${s.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { redis: { ok: false, required: false } } });
    expect(metric(await (await fetch(`${s.url}/metrics`)).text(), 'mcp_readiness_check', 'check="redis"')).toBe(0);
    const degraded = /readiness check failing: still ready \(degraded\)/;
    expect(await s.settledLogs(degraded)).toMatch(degraded);
    // RATE_LIMIT_FAIL=closed: tool calls need Redis, so this replica should get no traffic.
    const required = await fetch(`${closed.url}/ready`);
    expect(required.status).toBe(503);
    expect(await required.json()).toMatchObject({
      status: 'not ready',
      checks: { redis: { ok: false, required: true } },
    });
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    await s.stop();
    await closed.stop();
    servers.splice(0);
  });
});

describe('OAuth 2.1 resource server', () => {
  const dir = () => path.join(work, 'oauth');
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let issuer: string;
  let privateKey: CryptoKey;
  let server: Running;
  let audience: string;

  beforeAll(async () => {
    jwks = await startJwks();
    ({ issuer, privateKey } = jwks);

    const r = await cli(['oauth', '--yes', '--no-git', '-t', 'http', '-f', 'auth,metrics,health', '--auth', 'oauth'], {
      cwd: work,
      timeout: 600_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const port = await freePort();
    audience = `http://127.0.0.1:${port}/mcp`;
    server = await startHttp(
      dir(),
      {
        OAUTH_ISSUER: issuer,
        OAUTH_AUDIENCE: audience,
        OAUTH_JWKS_URL: `${issuer}/jwks.json`,
        OAUTH_SCOPES: 'mcp:tools',
        LOG_LEVEL: 'warn',
      },
      port,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await jwks.close();
  });

  const mint = (claims: { aud?: string; iss?: string; scope?: string; exp?: number } = {}) =>
    new SignJWT({ scope: claims.scope ?? 'mcp:tools' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(privateKey);

  it('serves the RFC 9728 Protected Resource Metadata', async () => {
    const res = await fetch(`${server.url}/.well-known/oauth-protected-resource/mcp`);
    expect(res.status).toBe(200);
    const prm = (await res.json()) as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toBe(audience);
    expect(prm.authorization_servers.map((s) => s.replace(/\/$/, ''))).toContain(issuer);
  });

  it('401 with resource_metadata without a token', async () => {
    const r = await rpc(server.url, 'tools/list');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(
      /Bearer .*resource_metadata="[^"]*\/\.well-known\/oauth-protected-resource\/mcp"/,
    );
  });

  it.each([
    ['a wrong audience', { aud: 'http://other.example/mcp' }],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 60 }],
    ['a wrong issuer', { iss: 'http://evil.example' }],
  ])('401 for %s', async (_what, claims) => {
    const r = await rpc(server.url, 'tools/list', {}, { authorization: `Bearer ${await mint(claims)}` });
    expect(r.status).toBe(401);
  });

  it('403 insufficient_scope without the required scope', async () => {
    const r = await rpc(server.url, 'tools/list', {}, { authorization: `Bearer ${await mint({ scope: 'other' })}` });
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('never takes a token from the query string', async () => {
    const res = await fetch(`${server.url}/mcp?access_token=${await mint()}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('a valid token works with the SDK client and the Inspector', async () => {
    const token = await mint();
    const { result } = await callOverHttp(
      server.url,
      'echo',
      { text: 'with a token' },
      { authorization: `Bearer ${token}` },
    );
    expect(textOf(result)).toBe('with a token');
    const list = await inspector(
      [`${server.url}/mcp`],
      ['--method', 'tools/list', '--header', `Authorization: Bearer ${token}`],
    );
    expect(list.exitCode, `${list.stdout}\n${list.stderr}`).toBe(0);
    expect(list.stdout).toContain('"echo"');
  });
});
