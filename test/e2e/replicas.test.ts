import { execa, type ResultPromise } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cli, missingTool, removeDir, tempDir } from '../helpers.js';
import { freePort, rpc, runIn, startHttp, startRedis, type Running } from './harness.js';

/**
 * Many replicas behind a load balancer, as the Helm chart deploys them: three processes of a built all-features
 * server on one real Redis, a real nginx in front (round robin, passive health checks), bounded load on loopback
 * while each replica in turn is stopped with SIGTERM, waited for and started again, as a rolling update does.
 * Every request must get an answer: no connection error and no 5xx at the client. Then the rate limit is exact
 * across the replicas and a cached result is shared (docs/ARCHITECTURE.md, "Shutdown").
 */
const REPLICAS = 3;
const LOAD_SECONDS = 20;
const CONCURRENCY = 8;
const DRAIN_MS = 2_000;
const LOAD_KEY = 'replicas-load-key-0123456789abcdef';
const LIMIT_KEY = 'replicas-limit-key-0123456789abcdef';

let work: string;
const dir = () => path.join(work, 'api');

/**
 * A load balancer as Kubernetes gives one: nginx from Debian with the `lb` configuration the generated compose.yaml
 * ships (round robin, passive health checks), and a readiness prober standing in for the kubelet and the Service's
 * endpoints: a replica is in nginx's upstream list only while its `/ready` answers 200 (checked every 200 ms; a
 * change reloads nginx, which lets the requests under way finish).
 */
async function startBalancer(ports: number[]) {
  const which = await execa('sh', ['-c', 'command -v nginx || command -v /usr/sbin/nginx'], { reject: false });
  if (which.exitCode !== 0) throw new Error(missingTool('nginx is not installed (apt-get install nginx)'));
  const bin = which.stdout.trim().split('\n')[0]!;
  const prefix = path.join(work, 'nginx');
  await mkdir(prefix, { recursive: true });
  const port = await freePort();
  const compose = parseYaml(await readFile(path.join(dir(), 'compose.yaml'), 'utf8')) as {
    configs: { lb: { content: string } };
  };
  // Compose writes `$` as `$$`; the replicas are on loopback ports instead of Docker's DNS name.
  const shipped = compose.configs.lb.content.replaceAll('$$', '$').replace('listen 8080;', `listen 127.0.0.1:${port};`);
  const serverLine = /^\s*server replica:3000 ([^;]*);$/m;
  const params = serverLine.exec(shipped)?.[1];
  if (params === undefined) throw new Error(`no "server replica:3000" line in compose.yaml's lb config:\n${shipped}`);
  const confFile = path.join(prefix, 'nginx.conf');
  const write = (members: number[]) =>
    writeFile(
      confFile,
      `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${shipped.replace(serverLine, members.map((p) => `  server 127.0.0.1:${p} ${params};`).join('\n'))}
}
`,
    );

  let members = [...ports];
  await write(members);
  const proc: ResultPromise = execa(bin, ['-p', prefix, '-c', confFile, '-e', path.join(prefix, 'error.log')], {
    reject: false,
    stdin: 'ignore',
    all: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (
    !(await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`nginx did not start:\n${(await proc.catch((e) => e)).all ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const changes: string[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const ready: number[] = [];
      for (const p of ports) {
        const ok = await fetch(`http://127.0.0.1:${p}/ready`, { signal: AbortSignal.timeout(1_000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) ready.push(p);
      }
      // nginx needs at least one server; a rolling update never takes them all out.
      if (ready.length > 0 && ready.join() !== members.join()) {
        members = ready;
        changes.push(members.join(','));
        await write(members);
        await execa(bin, ['-p', prefix, '-c', confFile, '-s', 'reload']);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  return {
    url,
    /** Each upstream list nginx was reloaded with. */
    changes: () => changes,
    /** Resolves once every replica is in nginx's list. */
    async allIn() {
      const until = Date.now() + 20_000;
      while (members.length !== ports.length) {
        if (Date.now() > until) throw new Error(`replicas not all ready: ${members.join(',')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    errors: () => readFile(path.join(prefix, 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      probing = false;
      await prober;
      proc.kill('SIGQUIT');
      await proc;
    },
  };
}

/**
 * One `tools/call` of `echo` on a connection of its own (`Connection: close`). nginx closes the idle keep-alive
 * connections of its clients when it reloads, and a client that sends on one at that moment sees it closed: an
 * artefact of standing in for a Service's endpoints with reloads, not something the replicas did.
 */
function echoOnce(url: string, key: string): Promise<{ status: number; text: string }> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'echo',
      arguments: { text: 'hi' },
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/mcp`,
      {
        method: 'POST',
        agent: false,
        headers: {
          connection: 'close',
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'echo',
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** An upstream that answers `{"n": <count>}` and counts the requests it got. */
async function countingUpstream(): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ n: hits }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    hits: () => hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe(`${REPLICAS} replicas behind nginx, on one Redis`, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let upstream: Awaited<ReturnType<typeof countingUpstream>>;
  let nginx: Awaited<ReturnType<typeof startBalancer>> | undefined;
  const ports: number[] = [];
  const replicas: Running[] = [];

  beforeAll(async () => {
    work = await tempDir('cmp-replicas-');
    redis = await startRedis();
    if ('skip' in redis) throw new Error(redis.skip);
    upstream = await countingUpstream();
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
    for (let i = 0; i < REPLICAS; i++) ports.push(await freePort());
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.stop().catch(() => undefined);
    await nginx?.stop();
    if (redis && 'stop' in redis) await redis.stop();
    await upstream?.close();
    if (work) await removeDir(work);
  });

  /** The environment of every replica: one Redis, one upstream, the drain a load balancer needs. */
  const envOf = (extra: Record<string, string>) => {
    if ('skip' in redis) throw new Error(redis.skip);
    return {
      MCP_API_KEYS: `${LOAD_KEY},${LIMIT_KEY}`,
      REDIS_URL: redis.url,
      UPSTREAM_BASE_URL: upstream.url,
      // The stub upstream is on a local address, which the upstream client refuses by default.
      UPSTREAM_ALLOW_PRIVATE: 'true',
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      LOG_LEVEL: 'warn',
      ...extra,
    };
  };

  async function startAll(env: Record<string, string>) {
    for (const [i, port] of ports.entries()) replicas[i] = await startHttp(dir(), envOf(env), port);
  }

  async function stopAll() {
    // Stopping a replica that has exited already is a no-op.
    for (const replica of replicas) await replica.stop();
  }

  const echo = (authorization: string) =>
    rpc(nginx!.url, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }, { authorization });

  it(`answers every request while each replica is restarted in turn under load (${LOAD_SECONDS} s or more)`, async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '10000000', REDIS_KEY_PREFIX: 'load:' };
    await startAll(env);
    nginx = await startBalancer(ports);

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let requests = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        requests++;
        try {
          const res = await echoOnce(nginx!.url, LOAD_KEY);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          // The answer comes as JSON or as one server-sent event: either way it holds the echoed text.
          if (res.status !== 200) failures.push(`${res.status}: ${res.text.slice(0, 200)}`);
          else if (!res.text.includes('"text":"hi"')) failures.push(`wrong body: ${res.text.slice(0, 200)}`);
        } catch (error) {
          failures.push(`connection error: ${(error as Error).cause ?? error}`);
        }
      }
    };
    const started = Date.now();
    const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // The rolling update: one replica at a time, SIGTERM, wait for its exit, start it again on its port.
    const exitCodes: Array<number | undefined> = [];
    await new Promise((r) => setTimeout(r, 2_000));
    for (const [i, port] of ports.entries()) {
      await replicas[i]!.stop();
      exitCodes.push((await replicas[i]!.proc).exitCode);
      replicas[i] = await startHttp(dir(), envOf(env), port);
      await nginx.allIn();
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const remaining = LOAD_SECONDS * 1000 - (Date.now() - started);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    stop = true;
    await load;
    const seconds = (Date.now() - started) / 1000;

    console.log(
      `replicas: ${requests} requests in ${seconds.toFixed(1)} s through nginx, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${failures.length} failures`,
    );
    expect(exitCodes).toEqual([0, 0, 0]);
    // The prober took each replica out when its /ready turned 503, and put it back once ready again.
    expect(nginx.changes().length).toBeGreaterThanOrEqual(2 * REPLICAS);
    expect(seconds).toBeGreaterThanOrEqual(LOAD_SECONDS);
    expect(failures.slice(0, 10), await nginx.errors()).toEqual([]);
    expect(statuses.get(200)).toBe(requests);
  });

  it('shares one rate limit and one cache across the replicas', async () => {
    await stopAll();
    await startAll({ RATE_LIMIT_PER_MINUTE: '10', REDIS_KEY_PREFIX: 'exact:', LOG_LEVEL: 'info' });
    // As after a rollout: traffic once every replica is ready (connected to Redis).
    await nginx!.allIn();

    // 15 calls round robin over three replicas: exactly 10 pass, the rest are 429.
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await echo(`Bearer ${LIMIT_KEY}`)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);

    // The same cached call on each replica in turn: the upstream is asked once.
    const before = upstream.hits();
    for (let i = 0; i < REPLICAS; i++) {
      const res = await rpc(
        nginx!.url,
        'tools/call',
        { name: 'upstream_get', arguments: { path: 'shared' } },
        { authorization: `Bearer ${LOAD_KEY}` },
      );
      expect(res.status).toBe(200);
      expect(res.body.result.isError).toBeFalsy();
    }
    expect(upstream.hits() - before).toBe(1);
    // Round robin: each replica served one of those calls, so the two others were served from Redis.
    for (const replica of replicas) {
      const logs = await replica.settledLogs(/"tool":"upstream_get"/);
      expect(logs.match(/"tool":"upstream_get"[^\n]*"msg":"tool call"/g)).toHaveLength(1);
    }
    await stopAll();
  });
});
