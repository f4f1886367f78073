import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../helpers.js';
import { freePort, rpc, runIn, startHttp, startJwks, type Running } from './harness.js';

/**
 * Who may call what, against built servers: per-tool scopes with a real JWKS on loopback (OAuth) and with API keys,
 * tenants kept apart in the cache and the rate limits, the audit trail, and stdio's own scopes
 * (docs/ARCHITECTURE.md, "Access" and "Audit trail").
 */
let work: string;

/** An upstream that answers `{"n": <count>}` and counts what it was asked. */
function countingUpstream() {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ n: hits }));
  });
  return {
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    },
    hits: () => hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const names = (body: { result?: { tools?: Array<{ name: string }> } }) =>
  (body.result?.tools ?? []).map((tool) => tool.name);

beforeAll(async () => {
  work = await tempDir('cmp-access-');
});
afterAll(async () => {
  await removeDir(work);
});

describe('OAuth: scopes, tenants, audit', () => {
  const dir = () => path.join(work, 'oauth');
  const upstream = countingUpstream();
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let issuer: string;
  let privateKey: CryptoKey;
  let server: Running;
  let audience: string;
  let auditFile: string;

  beforeAll(async () => {
    jwks = await startJwks();
    ({ issuer, privateKey } = jwks);
    const upstreamUrl = await upstream.start();

    const r = await cli(
      ['oauth', '--yes', '--no-git', '-t', 'both', '-f', 'auth,cache,ratelimit,tests', '--auth', 'oauth'],
      { cwd: work, timeout: 600_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const port = await freePort();
    audience = `http://127.0.0.1:${port}/mcp`;
    auditFile = path.join(work, 'oauth-audit.log');
    server = await startHttp(
      dir(),
      {
        OAUTH_ISSUER: issuer,
        OAUTH_AUDIENCE: audience,
        OAUTH_JWKS_URL: `${issuer}/jwks.json`,
        UPSTREAM_BASE_URL: upstreamUrl,
        UPSTREAM_ALLOW_PRIVATE: 'true',
        RATE_LIMIT_PER_MINUTE: '3',
        AUDIT_LOG: auditFile,
        // The audit trail is written whatever the log level.
        LOG_LEVEL: 'error',
      },
      port,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await upstream.close();
    await jwks.close();
  });

  const mint = (claims: { scope?: string; tid?: string; sub?: string; aud?: string; iss?: string; exp?: number }) =>
    new SignJWT({ scope: claims.scope ?? '', ...(claims.tid && { tid: claims.tid }) })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject(claims.sub ?? 'user-1')
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(privateKey);
  const as = async (claims: Parameters<typeof mint>[0]) => ({ authorization: `Bearer ${await mint(claims)}` });
  const get = (headers: Record<string, string>, args: Record<string, unknown> = { path: 'alerts' }) =>
    rpc(server.url, 'tools/call', { name: 'upstream_get', arguments: args }, headers);

  it('a token with the scope sees the tool and calls it', async () => {
    const headers = await as({ scope: 'upstream:read', tid: 'a' });
    const list = await rpc(server.url, 'tools/list', {}, headers);
    expect(list.status).toBe(200);
    expect(names(list.body)).toEqual(expect.arrayContaining(['echo', 'upstream_get']));
    const call = await get(headers);
    expect(call.status).toBe(200);
    expect(call.body.result.isError).toBeFalsy();
  });

  it('a token without it does not see the tool, and a call gets 403 with the scope to ask for', async () => {
    const headers = await as({ scope: 'notes:read', tid: 'a' });
    const list = await rpc(server.url, 'tools/list', {}, headers);
    expect(list.status).toBe(200);
    expect(names(list.body)).toContain('echo');
    expect(names(list.body)).not.toContain('upstream_get');
    const call = await get(headers);
    expect(call.status).toBe(403);
    const challenge = call.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="upstream:read"');
    expect(challenge).toMatch(/resource_metadata="[^"]*\/\.well-known\/oauth-protected-resource\/mcp"/);
  });

  it.each([
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 120 }],
    ['a wrong audience', { aud: 'http://other.example/mcp' }],
    ['a wrong issuer', { iss: 'http://evil.example' }],
  ])('still answers %s with 401, scopes or not', async (_what, claims) => {
    const call = await get(await as({ scope: 'upstream:read', ...claims }));
    expect(call.status).toBe(401);
    expect(call.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('never serves one tenant the result cached for another', async () => {
    const before = upstream.hits();
    for (const tid of ['a', 'b']) {
      const headers = await as({ scope: 'upstream:read', tid });
      for (let i = 0; i < 2; i++) {
        const call = await get(headers, { path: 'tenant-cache' });
        expect(call.status).toBe(200);
      }
    }
    // Same subject, same arguments: once per tenant, the second call of each from its own cache entry.
    expect(upstream.hits() - before).toBe(2);
  });

  it("keeps a noisy tenant from using up another tenant's rate limit", async () => {
    const echo = (headers: Record<string, string>) =>
      rpc(server.url, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }, headers);
    const a = await as({ sub: 'limited', tid: 'noisy' });
    const b = await as({ sub: 'limited', tid: 'quiet' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await echo(a)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await echo(b)).status).toBe(200);
  });

  it('writes an audit line per call, refused ones included, with no argument value', async () => {
    const secret = 'sk-live-DO-NOT-LOG-0123456789';
    const headers = await as({ scope: 'upstream:read', tid: 'audited', sub: 'auditor' });
    const answers = [
      await rpc(server.url, 'tools/call', { name: 'echo', arguments: { text: secret } }, headers),
      // 2026-07-28: Mcp-Name of a resource read is its URI.
      await rpc(
        server.url,
        'resources/read',
        { uri: 'config://upstream' },
        { ...headers, 'mcp-name': 'config://upstream' },
      ),
      await rpc(server.url, 'prompts/get', { name: 'weather_alerts', arguments: { area: 'CA' } }, headers),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await get(await as({ scope: 'notes:read', tid: 'audited', sub: 'auditor' }), { path: secret });
    // The trail is appended as calls finish: wait for the four lines.
    const read = async () => {
      const text = await readFile(auditFile, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { text, audit: lines.filter((line) => line.tenant === 'audited') };
    };
    const deadline = Date.now() + 5_000;
    while ((await read()).audit.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const { text, audit } = await read();
    expect(text).not.toContain(secret);
    expect(audit.map((line) => [line.method, line.name, line.outcome])).toEqual([
      ['tools/call', 'echo', 'ok'],
      ['resources/read', 'upstream_config', 'ok'],
      ['prompts/get', 'weather_alerts', 'ok'],
      ['tools/call', 'upstream_get', 'refused'],
    ]);
    for (const line of audit) {
      expect(line).toMatchObject({ type: 'audit', principal: 'auditor', tenant: 'audited' });
      expect(line.time).toEqual(expect.any(String));
    }
    expect(audit[0]?.argsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(audit[3]?.reason).toContain('insufficient scope');
  });

  it('gives the stdio user STDIO_SCOPES: a tool beyond them is not offered and cannot be called', async () => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: 'node',
        args: ['dist/stdio.js'],
        cwd: dir(),
        env: { ...(process.env as Record<string, string>), STDIO_SCOPES: 'notes:read', LOG_LEVEL: 'silent' },
        stderr: 'ignore',
      }),
    );
    try {
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toContain('echo');
      expect(tools).not.toContain('upstream_get');
      await expect(client.callTool({ name: 'upstream_get', arguments: { path: 'x' } })).rejects.toThrow(/upstream_get/);
    } finally {
      await client.close();
    }
  });
});

describe('API keys with scopes and tenants', () => {
  const dir = () => path.join(work, 'keys');
  let server: Running;
  const PLAIN = 'plain-key-0123456789abcdef';
  const SCOPED = 'scoped-key-0123456789abcdef';
  const OTHER = 'other-key-0123456789abcdef';

  beforeAll(async () => {
    const r = await cli(['keys', '--yes', '--no-git', '-t', 'http', '-f', 'auth', '--auth', 'apikey'], {
      cwd: work,
      timeout: 600_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    server = await startHttp(dir(), {
      MCP_API_KEYS: `${PLAIN},${SCOPED};scopes=upstream:read;tenant=a,${OTHER};scopes=notes:read;tenant=b`,
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const list = async (key: string) =>
    names((await rpc(server.url, 'tools/list', {}, { authorization: `Bearer ${key}` })).body);

  it('a plain key keeps working and holds every scope', async () => {
    expect(await list(PLAIN)).toEqual(expect.arrayContaining(['echo', 'upstream_get']));
  });

  it('a key with the scope sees the tool; one without does not, and gets 403 with the scope', async () => {
    expect(await list(SCOPED)).toContain('upstream_get');
    expect(await list(OTHER)).not.toContain('upstream_get');
    const call = await rpc(
      server.url,
      'tools/call',
      { name: 'upstream_get', arguments: { path: 'x' } },
      { authorization: `Bearer ${OTHER}` },
    );
    expect(call.status).toBe(403);
    expect(call.headers.get('www-authenticate')).toContain('scope="upstream:read"');
  });

  it('a wrong key is still 401', async () => {
    const r = await rpc(server.url, 'tools/list', {}, { authorization: 'Bearer wrong-key-0123456789abcdef' });
    expect(r.status).toBe(401);
  });
});
