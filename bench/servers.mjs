// The HTTP servers that bench/load.mjs and bench/profile.mjs run, and how to start, check and load them.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BENCH, benchRequire, sleep } from './lib.mjs';

export const PROTOCOL = '2026-07-28';
export const TEXT = 'hello';

/**
 * The protocol era of the load: `modern` (2026-07-28, the default) or `legacy` (a 2025-11-25 `tools/call`,
 * served statelessly without a handshake). Set with `BENCH_ERA=legacy` or `--era legacy` (bench/load.mjs).
 */
const eraFlag = process.argv.indexOf('--era');
export const ERA =
  (process.env.BENCH_ERA ?? (eraFlag > 0 ? process.argv[eraFlag + 1] : undefined)) === 'legacy'
    ? 'legacy'
    : 'modern';

/** A modern-era (2026-07-28) `tools/call` of `echo`: the `_meta` envelope in the body, the headers to match. */
const MODERN_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text: TEXT },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': PROTOCOL,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
    },
  },
});

const MODERN_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': PROTOCOL,
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};

/** A 2025-11-25 `tools/call` of `echo`: no envelope, no handshake (stateless legacy serving). */
const LEGACY_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: TEXT } },
});

const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

export const BODY = ERA === 'legacy' ? LEGACY_BODY : MODERN_BODY;
export const HEADERS = ERA === 'legacy' ? LEGACY_HEADERS : MODERN_HEADERS;

/** `KEY=value` lines of a dotenv file (comments and blanks skipped, surrounding quotes removed). */
function readDotenv(file) {
  if (!existsSync(file)) return {};
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/**
 * The generated server runs with its own `.env` (which `create` filled with a fresh API key), info-level
 * logs and NODE_ENV=production. The key is sent as `Authorization: Bearer <key>`. The rate limiter stays on (its
 * cost is part of every request) with a limit the load cannot reach, so that no call is refused.
 */
function generatedServer() {
  const cwd = path.join(BENCH, 'gen');
  const dotenv = readDotenv(path.join(cwd, '.env'));
  const keyVar = Object.keys(dotenv).find((k) => /API_KEYS?$/.test(k) && dotenv[k]);
  const apiKey = keyVar ? dotenv[keyVar].split(',')[0].trim() : undefined;
  return {
    label: 'generated (all features)',
    cwd,
    args: ['dist/http.js'],
    port: 3101,
    env: { ...dotenv, LOG_LEVEL: 'info', NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '1000000000' },
    probe: '/health',
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    apiKeyVar: keyVar,
    modern: true,
  };
}

export function servers() {
  return {
    generated: generatedServer(),
    bare: {
      label: 'bare SDK v2',
      cwd: path.join(BENCH, 'bare'),
      args: ['server.mjs'],
      port: 3102,
      env: {},
      probe: null, // no /health: cold start is the first 200 from /mcp
      headers: {},
      modern: true,
    },
    xmcp: {
      label: 'xmcp (create-xmcp-app)',
      cwd: path.join(BENCH, 'xmcp-app'),
      args: ['dist/http.js'],
      port: 3103, // set in its xmcp.config.ts by setup.mjs
      env: {},
      probe: '/health',
      headers: {},
      modern: true,
    },
    'sdk-alone': {
      label: 'SDK alone (node:http -> handler.fetch, the floor)',
      cwd: path.join(BENCH, 'sdk-alone'),
      args: ['server.mjs'],
      port: 3105,
      env: {},
      probe: '/health',
      headers: {},
      modern: true,
    },
    express: {
      label: 'Express JSON echo (ceiling)',
      cwd: path.join(BENCH, 'express'),
      args: ['server.mjs'],
      port: 3104,
      env: {},
      probe: '/health',
      headers: {},
      modern: false,
    },
  };
}

/** One HTTP request with a fresh connection; resolves with status and body, rejects on a socket error. */
export function request(port, { method = 'GET', path: p = '/', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: p, headers, agent: false, timeout: 2000 },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export function callEcho(server) {
  return request(server.port, {
    method: 'POST',
    path: '/mcp',
    headers: { ...HEADERS, ...server.headers },
    body: BODY,
  });
}

/** True when the body is a successful echo result (and, for MCP servers, from the modern-era path). */
export function isGoodEcho(body, modern) {
  try {
    // A legacy answer may come as one SSE event.
    const json = body.startsWith('event:') || body.startsWith('data:') ? /^data: (.*)$/m.exec(body)?.[1] : body;
    const msg = JSON.parse(json);
    const result = msg.result;
    if (!result || result.isError || result.content?.[0]?.text !== TEXT) return false;
    return !modern || ERA === 'legacy' || result.resultType === 'complete';
  } catch {
    return false;
  }
}

/**
 * Starts a server and measures its cold start: spawn to the first 200 from its probe (`/health`, or `/mcp`
 * when it has none), and spawn to the first good `tools/call`. Logs (stdout and stderr) go to `logFile`.
 */
export async function startServer(server, { logFile, nodeArgs = [], timeoutMs = 20_000 } = {}) {
  const fd = openSync(logFile ?? '/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, ...server.args], {
    cwd: server.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ...server.env,
      PORT: String(server.port),
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const since = () => Number(process.hrtime.bigint() - t0) / 1e6;

  let probeMs;
  let firstCallMs;
  while (firstCallMs === undefined) {
    if (exited) throw new Error(`${server.label} exited (${JSON.stringify(exited)}) before answering; see ${logFile}`);
    if (since() > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${server.label} did not answer within ${timeoutMs} ms; see ${logFile}`);
    }
    try {
      if (probeMs === undefined && server.probe) {
        const res = await request(server.port, { path: server.probe });
        if (res.status === 200) probeMs = since();
      } else {
        const res = await callEcho(server);
        if (res.status === 200 && isGoodEcho(res.body, server.modern)) {
          firstCallMs = since();
          probeMs ??= firstCallMs;
        } else if (res.status !== 503) {
          child.kill('SIGKILL');
          throw new Error(`${server.label}: tools/call answered ${res.status}: ${res.body.slice(0, 500)}`);
        }
      }
    } catch (error) {
      if (!/ECONNREFUSED|ECONNRESET|socket hang up/.test(String(error?.message ?? error))) throw error;
      await sleep(2);
    }
  }
  return { child, probeMs, firstCallMs };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
export function stopServer(child, graceMs = 8000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

/** CPU time (user + system) the process has used so far, in milliseconds, from /proc. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Resident set size now (VmRSS) and at its peak (VmHWM), in MB, from /proc. */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1]);
    return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: NaN, peakMB: NaN };
  }
}

/** autocannon at `connections` connections for `seconds`, every body checked. */
export function loadTest(server, { connections = 20, seconds = 10 } = {}) {
  const autocannon = benchRequire('autocannon');
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${server.port}/mcp`,
        method: 'POST',
        headers: { ...HEADERS, ...server.headers },
        body: BODY,
        connections,
        duration: seconds,
        verifyBody: (body) => isGoodEcho(body, server.modern),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}
