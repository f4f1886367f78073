#!/usr/bin/env node
// What tracing costs the generated server: the same all-features HTTP server (auth, cache, breaker, ratelimit,
// logging, metrics, health) generated without `tracing` (the reference), with `tracing` but no endpoint (off),
// and with `tracing` exporting every span (OTEL_TRACES_SAMPLER=always_on) to an OTLP/HTTP receiver on loopback
// (on), loaded in the same run, in an order that rotates between rounds.
//
//   npm run build && node bench/tracing.mjs [--rounds 3] [--seconds 10] [--warmup 2] [--connections 20]
//                                           [--profile off,on] [--before <checkout>]
//
// Per variant: req/s (median of rounds, and the median of each round's ratio to the same round's reference), CPU
// per request (utime + stime of the server process from /proc over the measured seconds, divided by the
// requests answered) and its ratio to the reference's, p99, bad responses, spans received per request, and the
// receiver's own CPU per request (it runs in a process of its own, see RECEIVER). `--profile` then runs the named
// variants once more under `node --cpu-prof` and prints bench/profile.mjs's summary of each. `--before
// <checkout>` adds the variants `before-off` and `before-on`: the project that checkout's CLI generates with the
// same answers (-t http -f <FEATURES>,tracing), in .bench/tracing/before.
//
// Needs autocannon in .bench (node bench/setup.mjs). Targets: on >= 0.85x the reference's throughput, off >= 0.97x.
// The generated projects are kept in .bench/tracing: delete it after a template change.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BENCH, ROOT, generateProject, machine, median, parseArgs, round, saveResult, table } from './lib.mjs';
import { cpuMs, loadTest, readDotenv, startServer, stopServer } from './servers.mjs';

const args = parseArgs();
const ROUNDS = Number(args.rounds ?? 3);
const SECONDS = Number(args.seconds ?? 10);
const WARMUP = Number(args.warmup ?? 2);
const CONNECTIONS = Number(args.connections ?? 20);
const FEATURES = 'auth,cache,breaker,ratelimit,logging,metrics,health';
const dir = path.join(BENCH, 'tracing');
const log = (msg) => process.stderr.write(`${msg}\n`);

/** One project under .bench/tracing that `checkout`'s CLI generates and builds (once), with its .env and key. */
function project(name, features, checkout = ROOT) {
  const cwd = generateProject(dir, name, checkout, features);
  const env = readDotenv(path.join(cwd, '.env'));
  return { cwd, key: env.MCP_API_KEYS.split(',')[0], env };
}

/**
 * The OTLP/HTTP receiver, in a process of its own so that its CPU time is measured apart from the server's and
 * the harness's. It shares the machine's cores with the server, so it does as little as a receiver can: it neither
 * keeps nor parses the bodies, it counts the spans in them by scanning the raw bytes for `"spanId"` (a native
 * `indexOf`; a key split between two chunks is counted too) and answers `{}`, as a collector's OTLP/HTTP
 * receiver answers a full success. It reports its count when asked (IPC).
 */
const RECEIVER = `
import http from 'node:http';
const KEY = Buffer.from('"spanId"');
let spans = 0;
function count(buffer) {
  let n = 0;
  for (let at = buffer.indexOf(KEY); at >= 0; at = buffer.indexOf(KEY, at + KEY.length)) n++;
  return n;
}
const server = http.createServer((req, res) => {
  let tail = Buffer.alloc(0);
  req.on('data', (chunk) => {
    // A key that straddles the previous chunk and this one: it starts in the previous chunk's last bytes.
    const seam = Buffer.concat([tail, chunk.subarray(0, KEY.length - 1)]);
    for (let at = seam.indexOf(KEY); at >= 0 && at < tail.length; at = seam.indexOf(KEY, at + 1)) spans++;
    spans += count(chunk);
    tail = chunk.subarray(Math.max(0, chunk.length - (KEY.length - 1)));
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
    res.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
// A bench that failed midway does not leave it listening.
process.on('disconnect', () => process.exit());
process.on('message', () => process.send({ spans }));
`;

async function receiver() {
  const child = spawn(process.execPath, ['--input-type=module', '-e', RECEIVER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    spans: async () => {
      const answer = next();
      child.send('count');
      return (await answer).spans;
    },
    close: () => child.kill(),
  };
}

const reference = project('reference', FEATURES);
const traced = project('traced', `${FEATURES},tracing`);
const collector = await receiver();
const common = { LOG_LEVEL: 'info', NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '1000000000' };
const exporting = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER: 'always_on' };
const variants = {
  reference: { label: 'without tracing (reference)', project: reference, env: {} },
  off: { label: 'tracing, no endpoint', project: traced, env: {} },
  on: { label: 'tracing on, 100 % sampled, exported', project: traced, env: exporting },
};
// `--before <checkout>`: the same answers rendered by another checkout (e.g. main before a change), loaded off and
// on beside this checkout's.
if (args.before) {
  if (args.before === true) throw new Error('--before needs the path of another checkout, built');
  // Generated afresh: the checkout may differ from the last run's.
  rmSync(path.join(dir, 'before'), { recursive: true, force: true });
  const before = project('before', `${FEATURES},tracing`, path.resolve(String(args.before)));
  variants['before-off'] = { label: 'before: tracing, no endpoint', project: before, env: {} };
  variants['before-on'] = { label: 'before: tracing on, exported', project: before, env: exporting };
}
const names = Object.keys(variants);
const profiled = args.profile ? String(args.profile).split(',') : [];
for (const name of profiled) {
  if (!variants[name]) throw new Error(`--profile: no variant ${name} (variants: ${names.join(', ')})`);
}

/** How bench/servers.mjs starts and loads a variant: its .env, the key as a bearer token, a /health probe. */
function serverOf(name) {
  const { project: p, env, label } = variants[name];
  return {
    label,
    cwd: p.cwd,
    args: ['dist/http.js'],
    port: 3111,
    env: { ...p.env, ...common, ...env },
    probe: '/health',
    headers: { authorization: `Bearer ${p.key}` },
    modern: true,
  };
}
const results = Object.fromEntries(names.map((name) => [name, []]));
mkdirSync(path.join(BENCH, 'logs'), { recursive: true });

for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const server = serverOf(name);
    const { child } = await startServer(server, { logFile: path.join(BENCH, 'logs', `tracing-${name}-${round + 1}.log`) });
    await loadTest(server, { connections: CONNECTIONS, seconds: WARMUP });
    const spansBefore = await collector.spans();
    const cpuBefore = cpuMs(child.pid);
    const receiverBefore = cpuMs(collector.pid);
    const r = await loadTest(server, { connections: CONNECTIONS, seconds: SECONDS });
    const cpu = cpuMs(child.pid) - cpuBefore;
    const receiverCpu = cpuMs(collector.pid) - receiverBefore;
    // Spans of the measured seconds still in the server's buffer are exported on SIGTERM.
    await stopServer(child);
    const bad = r.errors + r.timeouts + r.non2xx + (r.mismatches ?? 0);
    const requests = r.requests.total;
    const entry = {
      rps: r.requests.average,
      p99: r.latency.p99,
      bad,
      requests,
      cpuUsPerReq: (cpu * 1000) / requests,
      receiverUsPerReq: (receiverCpu * 1000) / requests,
      spans: (await collector.spans()) - spansBefore,
    };
    results[name].push(entry);
    log(
      `round ${round + 1} ${name}: ${round_(entry.rps)} req/s, ${round_(entry.cpuUsPerReq)} µs CPU/req, ` +
        `receiver ${round_(entry.receiverUsPerReq)} µs/req, p99 ${entry.p99} ms, bad ${bad}`,
    );
  }
}

/**
 * `--profile off,on`: after the measured rounds, each named variant once more under `node --cpu-prof`, summarized
 * by bench/profile.mjs (self time by category and module, top functions).
 */
for (const name of profiled) {
  const server = serverOf(name);
  const profiles = path.join(BENCH, 'profiles', `tracing-${name}`);
  rmSync(profiles, { recursive: true, force: true });
  mkdirSync(profiles, { recursive: true });
  const { child } = await startServer(server, {
    logFile: path.join(BENCH, 'logs', `tracing-profile-${name}.log`),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
  });
  const warm = await loadTest(server, { connections: CONNECTIONS, seconds: WARMUP });
  const r = await loadTest(server, { connections: CONNECTIONS, seconds: SECONDS });
  await stopServer(child, 15_000);
  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  log(
    `profile of ${name}: ${round_(r.requests.average)} req/s under --cpu-prof, ` +
      `${warm.requests.total + r.requests.total} requests served, ${path.join(profiles, file)}`,
  );
  spawnSync(process.execPath, [path.join(ROOT, 'bench', 'profile.mjs'), '--analyze', path.join(profiles, file)], {
    stdio: 'inherit',
  });
}
collector.close();

function round_(value) {
  return round(value, 0);
}

const base = median(results.reference.map((r) => r.rps));
const baseCpu = median(results.reference.map((r) => r.cpuUsPerReq));
const rows = names.map((name) => {
  const rps = median(results[name].map((r) => r.rps));
  const cpu = median(results[name].map((r) => r.cpuUsPerReq));
  // The same round's reference: the sturdier figure when the machine's load changes between rounds.
  const paired = median(results[name].map((r, i) => r.rps / results.reference[i].rps));
  return [
    variants[name].label,
    round_(rps),
    `${round(rps / base, 3)}x`,
    `${round(paired, 3)}x`,
    round_(cpu),
    `${round(cpu / baseCpu, 3)}x`,
    median(results[name].map((r) => r.p99)),
    results[name].reduce((sum, r) => sum + r.bad, 0),
    round(median(results[name].map((r) => r.spans / r.requests)), 2),
    round_(median(results[name].map((r) => r.receiverUsPerReq))),
  ];
});
console.log(
  table(
    [
      'server',
      'req/s (median)',
      'vs reference',
      'paired rounds',
      'CPU µs/req',
      'CPU vs reference',
      'p99 ms',
      'bad responses',
      'spans received / req',
      'receiver CPU µs/req',
    ],
    rows,
  ),
);
saveResult('tracing', { machine: machine(), rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, results });
