#!/usr/bin/env node
// What tracing costs the generated server: the same all-features HTTP server (auth, cache, breaker, ratelimit,
// logging, metrics, health) generated without `tracing` (the reference), with `tracing` but no endpoint (off),
// and with `tracing` exporting every span (OTEL_TRACES_SAMPLER=always_on) to an OTLP/HTTP receiver on loopback
// (on), loaded in the same run, in an order that rotates between rounds.
//
//   npm run build && node bench/tracing.mjs [--rounds 3] [--seconds 10] [--warmup 2] [--connections 20]
//
// Needs autocannon in .bench (node bench/setup.mjs). Targets: on >= 0.85x the reference's throughput, off >= 0.97x.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BENCH, ROOT, machine, median, parseArgs, round, saveResult, table } from './lib.mjs';
import { loadTest, startServer, stopServer } from './servers.mjs';

const args = parseArgs();
const ROUNDS = Number(args.rounds ?? 3);
const SECONDS = Number(args.seconds ?? 10);
const WARMUP = Number(args.warmup ?? 2);
const CONNECTIONS = Number(args.connections ?? 20);
const FEATURES = 'auth,cache,breaker,ratelimit,logging,metrics,health';
const dir = path.join(BENCH, 'tracing');
const log = (msg) => process.stderr.write(`${msg}\n`);

/** Generates, installs and builds one project under .bench/tracing, once. */
function project(name, features) {
  const cwd = path.join(dir, name);
  if (!existsSync(path.join(cwd, 'dist', 'http.js'))) {
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log(`generating ${name} (-f ${features})`);
    const made = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'create-mcp-prod.js'), name, '--yes', '--no-git', '-t', 'http', '-f', features],
      { cwd: dir, stdio: 'inherit', env: { ...process.env, CI: 'true' } },
    );
    if (made.status !== 0) throw new Error(`create-mcp-prod failed for ${name}`);
    const built = spawnSync('npm', ['run', 'build'], { cwd, stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`npm run build failed for ${name}`);
  }
  const env = Object.fromEntries(
    readFileSync(path.join(cwd, '.env'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  return { cwd, key: env.MCP_API_KEYS.split(',')[0], env };
}

/** An OTLP/HTTP receiver that counts the spans it gets, as a collector on the same host would. */
async function receiver() {
  let spans = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      spans += (body.match(/"spanId"/g) ?? []).length;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, spans: () => spans, close: () => server.close() };
}

const reference = project('reference', FEATURES);
const traced = project('traced', `${FEATURES},tracing`);
const collector = await receiver();
const common = { LOG_LEVEL: 'info', NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '1000000000' };
const variants = {
  reference: { label: 'without tracing (reference)', project: reference, env: {} },
  off: { label: 'tracing, no endpoint', project: traced, env: {} },
  on: {
    label: 'tracing on, 100 % sampled, exported',
    project: traced,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER: 'always_on' },
  },
};
const names = Object.keys(variants);
const results = Object.fromEntries(names.map((name) => [name, []]));
mkdirSync(path.join(BENCH, 'logs'), { recursive: true });

for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const { project: p, env, label } = variants[name];
    const server = {
      label,
      cwd: p.cwd,
      args: ['dist/http.js'],
      port: 3111,
      env: { ...p.env, ...common, ...env },
      probe: '/health',
      headers: { authorization: `Bearer ${p.key}` },
      modern: true,
    };
    const spansBefore = collector.spans();
    const { child } = await startServer(server, { logFile: path.join(BENCH, 'logs', `tracing-${name}.log`) });
    await loadTest(server, { connections: CONNECTIONS, seconds: WARMUP });
    const r = await loadTest(server, { connections: CONNECTIONS, seconds: SECONDS });
    await stopServer(child);
    const bad = r.errors + r.timeouts + r.non2xx + (r.mismatches ?? 0);
    results[name].push({ rps: r.requests.average, p99: r.latency.p99, bad, spans: collector.spans() - spansBefore });
    log(`round ${round + 1} ${name}: ${round_(r.requests.average)} req/s, p99 ${r.latency.p99} ms, bad ${bad}`);
  }
}
collector.close();

function round_(value) {
  return round(value, 0);
}

const base = median(results.reference.map((r) => r.rps));
const rows = names.map((name) => {
  const rps = median(results[name].map((r) => r.rps));
  return [
    variants[name].label,
    round_(rps),
    `${round(rps / base, 3)}x`,
    median(results[name].map((r) => r.p99)),
    results[name].reduce((sum, r) => sum + r.bad, 0),
    results[name].reduce((sum, r) => sum + r.spans, 0),
  ];
});
console.log(table(['server', 'req/s (median)', 'vs reference', 'p99 ms', 'bad responses', 'spans received'], rows));
saveResult('tracing', { machine: machine(), rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, results });
