#!/usr/bin/env node
// Load benchmark of MCP HTTP servers on loopback: the generated all-features server, a bare SDK v2 server,
// the SDK-alone floor, xmcp (the current release and 0.2.1, an SDK v1 server) and an Express JSON echo (the
// ceiling), in one run.
//
//   npm run build && node bench/setup.mjs && node bench/load.mjs [--rounds 5] [--seconds 10] [--warmup 2]
//        [--connections 20] [--cold 10] [--only generated,bare] [--no-modules]
//
// Each round starts every server fresh (in an order that rotates and reverses between rounds), measures its
// cold start, checks one modern-era `tools/call` answer, warms it up, loads it with autocannon, reads its RSS
// and stops it with SIGTERM. Every response body is checked (a wrong body counts as a mismatch). Then each
// server is cold-started `--cold` more times, alternating, and the production node_modules of each project is
// measured with `npm ci --omit=dev`. Figures are medians over rounds; ratios are against the bare server.
// A server that does not speak the era of the run (`eras` in bench/servers.mjs: xmcp 0.2.1 knows only the
// 2025 revisions) is not loaded: it is started once, sent the same request, and its answer is shown instead.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  BENCH,
  ROOT,
  countPackages,
  diskUsage,
  machine,
  median,
  parseArgs,
  quantile,
  round,
  saveResult,
  table,
} from './lib.mjs';
import {
  BODY,
  ERA,
  HEADERS,
  callEcho,
  cpuMs,
  isGoodEcho,
  loadTest,
  memory,
  servers,
  startServer,
  stopServer,
} from './servers.mjs';

const args = parseArgs();
const ROUNDS = Number(args.rounds ?? 5);
const SECONDS = Number(args.seconds ?? 10);
const WARMUP = Number(args.warmup ?? 2);
const CONNECTIONS = Number(args.connections ?? 20);
const COLD = Number(args.cold ?? 10);
const all = servers();
const present = (args.only ? String(args.only).split(',') : Object.keys(all)).filter((name) => {
  const ok = existsSync(path.join(all[name].cwd, all[name].args[0]));
  if (!ok)
    process.stderr.write(`skipping ${name}: ${all[name].cwd}/${all[name].args[0]} is missing (run bench/setup.mjs)\n`);
  return ok;
});
const speaks = (name) => !all[name].eras || all[name].eras.includes(ERA);
const names = present.filter(speaks);
const otherEra = present.filter((name) => !speaks(name));
const logs = path.join(BENCH, 'logs');
mkdirSync(logs, { recursive: true });
const log = (msg) => process.stderr.write(`${msg}\n`);

if (all.generated && names.includes('generated')) {
  log(
    all.generated.apiKeyVar
      ? `generated: API key from ${all.generated.apiKeyVar} in .bench/gen/.env, sent as Authorization: Bearer`
      : 'generated: no *_API_KEY(S) variable in .bench/gen/.env: requests go without Authorization',
  );
}

/** Lines in a file (the generated server writes one log line per tool call). */
function lineCount(file) {
  const res = spawnSync('wc', ['-l', file], { encoding: 'utf8' });
  return Number(res.stdout.trim().split(/\s+/)[0]);
}

/**
 * What a server that does not speak this era answers the request with: shown, not measured (a 2025-only server
 * answers a 2026-07-28 `tools/call` as a 2025 one, without `resultType`, which is not a modern result).
 */
const notMeasured = {};
for (const name of otherEra) {
  const server = all[name];
  const { child } = await startServer(server, { probeOnly: Boolean(server.probe) });
  try {
    const res = await callEcho(server);
    notMeasured[name] = {
      reason: `speaks only the ${server.eras.join(', ')} era`,
      status: res.status,
      body: res.body.slice(0, 300),
      modernResult: isGoodEcho(res.body, true),
    };
    log(`${name}: not measured in the ${ERA} era (${notMeasured[name].reason}); it answers ${res.status} ${res.body.slice(0, 300)}`);
  } finally {
    await stopServer(child);
  }
}

const rounds = Object.fromEntries(names.map((n) => [n, []]));
const verified = {};
for (let r = 0; r < ROUNDS; r++) {
  const rotated = names.map((_, i) => names[(i + r) % names.length]);
  const order = r % 2 === 0 ? rotated : rotated.reverse();
  for (const name of order) {
    const server = all[name];
    const logFile = path.join(logs, `${name}.log`);
    const { child, probeMs, firstCallMs } = await startServer(server, { logFile });
    try {
      if (!verified[name]) {
        const res = await callEcho(server);
        verified[name] = { status: res.status, contentType: res.headers['content-type'], body: res.body };
        log(`${name}: ${res.status} ${res.body.slice(0, 300)}`);
      }
      if (WARMUP > 0) await loadTest(server, { connections: CONNECTIONS, seconds: WARMUP });
      const cpuBefore = cpuMs(child.pid);
      const ac = await loadTest(server, { connections: CONNECTIONS, seconds: SECONDS });
      const cpuUsed = cpuMs(child.pid) - cpuBefore;
      const mem = memory(child.pid);
      const stopped = await stopServer(child);
      const entry = {
        round: r,
        reqPerSec: ac.requests.average,
        // The server's own CPU per answered request, in microseconds (autocannon runs in this process).
        cpuUsPerReq: (cpuUsed * 1000) / ac.requests.total,
        total: ac.requests.total,
        p50: ac.latency.p50,
        p99: ac.latency.p99,
        errors: ac.errors,
        timeouts: ac.timeouts,
        non2xx: ac.non2xx,
        mismatches: ac.mismatches,
        rssMB: mem.rssMB,
        peakRssMB: mem.peakMB,
        probeMs,
        firstCallMs,
        exit: stopped,
        logLines: lineCount(logFile),
      };
      rounds[name].push(entry);
      log(
        `round ${r + 1}/${ROUNDS} ${name} (${ERA}): ${Math.round(entry.reqPerSec)} req/s, ${Math.round(entry.cpuUsPerReq)} us CPU/req, p50 ${entry.p50} ms, p99 ${entry.p99} ms, ` +
          `errors ${entry.errors}, non2xx ${entry.non2xx}, mismatches ${entry.mismatches}, RSS ${round(entry.rssMB)} MB, ` +
          `cold ${round(probeMs)}/${round(firstCallMs)} ms, log lines ${entry.logLines}, exit ${JSON.stringify(stopped)}`,
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(logFile, { force: true });
    }
  }
}

// More cold starts, alternating, without load.
const cold = Object.fromEntries(
  names.map((n) => [n, rounds[n].map((e) => ({ probeMs: e.probeMs, firstCallMs: e.firstCallMs }))]),
);
for (let i = 0; i < COLD; i++) {
  const order = i % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const { child, probeMs, firstCallMs } = await startServer(all[name]);
    cold[name].push({ probeMs, firstCallMs });
    await stopServer(child);
  }
}
log(`cold starts: ${COLD} more each done`);

// Production dependencies: `npm ci --omit=dev` from each project's package.json and lock file.
const modules = {};
if (!args['no-modules']) {
  for (const name of names.filter((n) => n !== 'express')) {
    const src = all[name].cwd;
    const dir = path.join(BENCH, 'prod', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(src, f), path.join(dir, f));
    const res = spawnSync(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    if (res.status !== 0) {
      log(`npm ci --omit=dev failed for ${name}: ${res.stderr}`);
      continue;
    }
    const nm = path.join(dir, 'node_modules');
    modules[name] = { MB: diskUsage(nm) / 2 ** 20, packages: countPackages(nm) };
    log(`${name}: production node_modules ${round(modules[name].MB)} MB, ${modules[name].packages} packages`);
  }
}

// Summary: medians over rounds; ratios against bare, also as the median of per-round (paired) ratios.
const summary = {};
for (const name of names) {
  const e = rounds[name];
  const c = cold[name];
  const sum = (k) => e.reduce((n, x) => n + (x[k] ?? 0), 0);
  summary[name] = {
    label: all[name].label,
    reqPerSec: median(e.map((x) => x.reqPerSec)),
    cpuUsPerReq: median(e.map((x) => x.cpuUsPerReq)),
    p50: median(e.map((x) => x.p50)),
    p99: median(e.map((x) => x.p99)),
    requests: sum('total'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    non2xx: sum('non2xx'),
    mismatches: sum('mismatches'),
    rssMB: median(e.map((x) => x.rssMB)),
    peakRssMB: median(e.map((x) => x.peakRssMB)),
    coldProbeMs: median(c.map((x) => x.probeMs)),
    coldProbeP90: quantile(
      c.map((x) => x.probeMs),
      0.9,
    ),
    coldFirstCallMs: median(c.map((x) => x.firstCallMs)),
    probe: all[name].probe ?? '/mcp',
    modules: modules[name],
  };
}

const ratios = {};
if (summary.bare) {
  const paired = (name, key) =>
    median(rounds[name].map((x, i) => x[key] / (rounds.bare[i]?.[key] ?? NaN)).filter(Number.isFinite));
  for (const name of names.filter((n) => n !== 'bare')) {
    const s = summary[name];
    ratios[name] = {
      throughput: s.reqPerSec / summary.bare.reqPerSec,
      throughputPaired: paired(name, 'reqPerSec'),
      cpuPerRequest: s.cpuUsPerReq / summary.bare.cpuUsPerReq,
      p99: s.p99 / summary.bare.p99,
      p99Paired: paired(name, 'p99'),
      coldStart: s.coldProbeMs / summary.bare.coldProbeMs,
      coldFirstCall: s.coldFirstCallMs / summary.bare.coldFirstCallMs,
      modulesMB: s.modules && summary.bare.modules ? s.modules.MB / summary.bare.modules.MB : undefined,
    };
  }
}
if (summary.generated && summary['sdk-alone']) {
  ratios.generatedToSdkAlone = summary.generated.reqPerSec / summary['sdk-alone'].reqPerSec;
  ratios.generatedToSdkAlonePaired = median(
    rounds.generated
      .map((x, i) => x.reqPerSec / (rounds['sdk-alone'][i]?.reqPerSec ?? NaN))
      .filter(Number.isFinite),
  );
}
if (summary.generated && summary.xmcp) ratios.generatedToXmcp = summary.generated.reqPerSec / summary.xmcp.reqPerSec;
if (summary.generated && summary['xmcp-0.2.1'])
  ratios.generatedToXmcp021 = summary.generated.reqPerSec / summary['xmcp-0.2.1'].reqPerSec;
if (summary.generated && summary.express)
  ratios.generatedToExpress = summary.generated.reqPerSec / summary.express.reqPerSec;

const result = {
  machine: machine(),
  settings: { era: ERA, rounds: ROUNDS, seconds: SECONDS, warmup: WARMUP, connections: CONNECTIONS, cold: COLD },
  request: { headers: HEADERS, body: JSON.parse(BODY) },
  verified,
  notMeasured,
  summary,
  ratios,
  rounds,
  cold,
};
const file = saveResult('load', result);

const r1 = (v) => (Number.isFinite(v) ? round(v, 1) : '-');
console.log(
  `\n${ERA} era: ${ROUNDS} rounds x ${SECONDS} s (after ${WARMUP} s warm-up), ${CONNECTIONS} connections, autocannon on loopback; medians over rounds.\n`,
);
console.log(
  table(
    [
      'server',
      'req/s',
      'CPU us/req',
      'p50 ms',
      'p99 ms',
      'errors',
      'non-2xx',
      'bad bodies',
      'RSS after MB',
      'cold start ms (probe)',
      'first call ms',
      'prod node_modules',
    ],
    names.map((n) => {
      const s = summary[n];
      return [
        s.label,
        Math.round(s.reqPerSec),
        Math.round(s.cpuUsPerReq),
        s.p50,
        s.p99,
        s.errors + s.timeouts,
        s.non2xx,
        s.mismatches,
        r1(s.rssMB),
        `${r1(s.coldProbeMs)} (${s.probe})`,
        r1(s.coldFirstCallMs),
        s.modules ? `${r1(s.modules.MB)} MB, ${s.modules.packages} pkgs` : '-',
      ];
    }),
  ),
);
if (ratios.generated) {
  const g = ratios.generated;
  const fmt = (v) => (Number.isFinite(v) ? `${round(v, 2)}x` : '-');
  const met = (ok) => (ok === undefined ? '-' : ok ? 'yes' : 'no');
  console.log('');
  console.log(
    table(
      ['generated vs bare', 'ratio (medians)', 'ratio (paired rounds)', 'target', 'met'],
      [
        ['throughput', fmt(g.throughput), fmt(g.throughputPaired), '>= 1.6x', met(g.throughput >= 1.6)],
        ['CPU per request', fmt(g.cpuPerRequest), '', '(info)', '-'],
        ...(ratios.generatedToSdkAlone
          ? [
              [
                'throughput vs the SDK-alone floor',
                fmt(ratios.generatedToSdkAlone),
                fmt(ratios.generatedToSdkAlonePaired),
                '>= 0.8x',
                met(ratios.generatedToSdkAlone >= 0.8),
              ],
            ]
          : []),
        ['p99 latency', fmt(g.p99), fmt(g.p99Paired), '<= 1.0x', met(g.p99 <= 1)],
        [
          'cold start (generated /health vs bare first /mcp 200)',
          fmt(g.coldStart),
          '',
          '<= 1.2x',
          met(g.coldStart <= 1.2),
        ],
        ['cold start to first tools/call (both)', fmt(g.coldFirstCall), '', '(info)', '-'],
        [
          'production node_modules (MB)',
          fmt(g.modulesMB),
          '',
          '<= 1.5x',
          met(g.modulesMB === undefined ? undefined : g.modulesMB <= 1.5),
        ],
      ],
    ),
  );
  if (ratios.generatedToXmcp) console.log(`\ngenerated / xmcp throughput: ${fmt(ratios.generatedToXmcp)}`);
  if (ratios.generatedToXmcp021)
    console.log(`generated / xmcp 0.2.1 (SDK v1) throughput: ${fmt(ratios.generatedToXmcp021)}`);
  if (ratios.generatedToExpress) console.log(`generated / Express echo throughput: ${fmt(ratios.generatedToExpress)}`);
}
for (const [name, n] of Object.entries(notMeasured)) {
  console.log(
    `\nnot measured in the ${ERA} era: ${all[name].label} ${n.reason}; run with --era legacy. ` +
      `To the ${ERA} request it answers ${n.status}${n.modernResult ? '' : ', not a modern-era result'}: ${n.body}`,
  );
}
console.log(`\nsaved ${path.relative(ROOT, file)}`);
