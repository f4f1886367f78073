#!/usr/bin/env node
// The official MCP conformance suite (@modelcontextprotocol/conformance, server scenarios) against the generated
// HTTP server, side by side with the bare SDK v2 server (bench/bare) and, optionally, the server another checkout
// of this repository generates (e.g. the last release), in both protocol eras: the suite's default revisions
// (2025) and `--spec-version 2026-07-28`.
//
//   npm run build && node bench/setup.mjs --only tools,bare && node bench/conformance.mjs [--against <checkout>]
//        [--features a,b] [--against-features a,b]   (an older checkout may not know every feature of this one)
//
// The generated projects have every server feature but `auth` (the suite's client sends no credentials; `docker`
// changes nothing the server answers) and keep the example tools, so the scenarios that need the suite's own
// test tools fail alike on every server: what to read is the difference between the columns. A scenario that passes on bare and fails on ours is a regression.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BENCH, ROOT, generateProject, parseArgs, saveResult, table } from './lib.mjs';
import { servers, startServer, stopServer } from './servers.mjs';

const args = parseArgs();
const FEATURES = String(args.features ?? 'cache,breaker,ratelimit,logging,metrics,health,tracing,tests');
const SUITE = path.join(BENCH, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const ERAS = { '2025 (default)': [], '2026-07-28': ['--spec-version', '2026-07-28'] };
const log = (msg) => process.stderr.write(`${msg}\n`);

if (!existsSync(SUITE)) throw new Error('The conformance suite is missing: node bench/setup.mjs --only tools');

/** The project a checkout generates, under .bench/conformance (once), as a server of bench/servers.mjs. */
function project(name, checkout, features) {
  return {
    label: name,
    cwd: generateProject(path.join(BENCH, 'conformance'), name, checkout, features),
    args: ['dist/http.js'],
    // The suite sends a few hundred requests: a limit it cannot reach, as in bench/load.mjs.
    env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' },
    probe: '/health',
    headers: {},
    modern: true,
  };
}

const targets = { generated: { ...project('generated', ROOT, FEATURES), port: 3121 } };
if (args.against) {
  if (args.against === true) throw new Error('--against needs the path of another checkout, built');
  // Generated afresh: the checkout may differ from the last run's.
  rmSync(path.join(BENCH, 'conformance', 'against'), { recursive: true, force: true });
  const features = String(args['against-features'] ?? FEATURES);
  targets.against = { ...project('against', path.resolve(String(args.against)), features), port: 3122 };
}
targets.bare = { ...servers().bare, port: 3123 };

/** `✓ name: 2 passed, 0 failed` lines of the suite's report, by scenario. */
function outcomes(text) {
  const out = {};
  for (const m of text.matchAll(/^([✓✗]) ([\w-]+): (\d+) passed, (\d+) failed/gm)) {
    out[m[2]] = { ok: m[1] === '✓', passed: Number(m[3]), failed: Number(m[4]) };
  }
  const total = /Total: (\d+) passed, (\d+) failed/.exec(text);
  // A suite that crashed or timed out prints no total: stop rather than report an empty column.
  if (!total) throw new Error(`the conformance suite printed no total:\n${text.slice(-2000)}`);
  return { scenarios: out, passed: Number(total[1]), failed: Number(total[2]) };
}

const results = {};
for (const [name, server] of Object.entries(targets)) {
  const { child } = await startServer(server, {
    logFile: path.join(BENCH, `conformance-${name}.log`),
    probeOnly: Boolean(server.probe),
  });
  try {
    results[name] = {};
    for (const [era, extra] of Object.entries(ERAS)) {
      log(`${name}: conformance, ${era}`);
      const ran = spawnSync(
        process.execPath,
        [SUITE, 'server', '--url', `http://127.0.0.1:${server.port}/mcp`, ...extra],
        { encoding: 'utf8', timeout: 600_000 },
      );
      if (ran.error) throw ran.error;
      results[name][era] = outcomes(`${ran.stdout}\n${ran.stderr}`);
    }
  } finally {
    await stopServer(child);
  }
}

const names = Object.keys(targets);
const cell = (o) => (o ? `${o.ok ? 'pass' : 'FAIL'} ${o.passed}/${o.passed + o.failed}` : '-');
let regressions = 0;
for (const era of Object.keys(ERAS)) {
  const scenarios = [...new Set(names.flatMap((n) => Object.keys(results[n][era].scenarios)))].sort();
  console.log(`\n### ${era}\n`);
  console.log(
    table(
      ['scenario', ...names],
      scenarios.map((s) => [s, ...names.map((n) => cell(results[n][era].scenarios[s]))]),
    ),
  );
  console.log(
    `\ntotal checks passed: ${names.map((n) => `${n} ${results[n][era].passed}/${results[n][era].passed + results[n][era].failed}`).join(', ')}`,
  );
  for (const s of scenarios) {
    if (results.generated[era].scenarios[s]?.ok) continue;
    const worse = names.filter((n) => n !== 'generated' && results[n][era].scenarios[s]?.ok);
    if (worse.length > 0) {
      regressions++;
      console.log(`- ${s}: passes on ${worse.join(', ')}, fails on generated`);
    }
  }
}
console.log(`\nscenarios where the generated server does worse than a reference: ${regressions}`);
saveResult('conformance', { features: FEATURES, results });
