#!/usr/bin/env node
// CPU profile of a benchmark server under the load of bench/load.mjs, summarized.
//
//   node bench/profile.mjs [--server generated] [--seconds 15] [--connections 20] [--top 25] [--no-build]
//   node bench/profile.mjs --server current,0.2.0     # the contenders of bench/contenders.mjs, built on demand
//   node bench/profile.mjs --analyze path/to/file.cpuprofile
//
// Starts the server with `node --cpu-prof`, warms it up, loads it with autocannon, stops it with SIGTERM (the
// profile is written at exit), then prints: self time by category, by module, the top self-time functions,
// and the inclusive time of the functions on the per-request path.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BENCH, ROOT, parseArgs, round, saveResult, table } from './lib.mjs';
import { isPrepared, prepare } from './contenders.mjs';
import { loadTest, servers, startServer, stopServer } from './servers.mjs';

const args = parseArgs();
const TOP = Number(args.top ?? 25);

async function record(name) {
  const server = isPrepared(name) ? await prepare(name, { noBuild: Boolean(args['no-build']) }) : servers()[name];
  if (!server) throw new Error(`unknown server ${name}`);
  if (server.command) throw new Error(`${name}: not a Node server, cannot be profiled with --cpu-prof`);
  const dir = path.join(BENCH, 'profiles', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { child } = await startServer(server, {
    logFile: path.join(BENCH, 'logs', `profile-${name}.log`),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', path.join(ROOT, 'bench', 'exit-on-sigterm.mjs')],
  });
  const warm = await loadTest(server, { connections: Number(args.connections ?? 20), seconds: 2 });
  const ac = await loadTest(server, {
    connections: Number(args.connections ?? 20),
    seconds: Number(args.seconds ?? 15),
  });
  const stopped = await stopServer(child, 15_000);
  if (stopped.signal) {
    throw new Error(`${name} ended by ${stopped.signal}: --cpu-prof writes only on a normal exit (handle SIGTERM)`);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  process.stderr.write(
    `${name}: ${Math.round(ac.requests.average)} req/s under the profiler; profile ${path.join(dir, file)}\n`,
  );
  // Every request the process served while profiled (warm-up included), to turn busy time into CPU per request.
  const served = warm.requests.total + ac.requests.total + 1;
  return { file: path.join(dir, file), reqPerSec: ac.requests.average, requests: ac.requests.total, served };
}

/** Where a script URL belongs: a package, the app's own code, or Node's internals. */
function moduleOf(url) {
  if (!url) return '(native/VM)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  // A bundled app (xmcp) or the app's own files: name them relative to the project.
  const m = /\/\.bench\/[^/]+\/(.*)$/.exec(p);
  return m ? `app:${m[1]}` : p;
}

function category(node, mod) {
  const fn = node.callFrame.functionName;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'program (VM, native)';
  if (mod === 'zod') return 'zod';
  if (mod.startsWith('@modelcontextprotocol/')) return mod;
  if (mod === 'pino' || mod.startsWith('pino') || mod === 'sonic-boom' || mod === 'fast-redact')
    return 'logging (pino)';
  if (
    [
      'express',
      'router',
      'body-parser',
      'raw-body',
      'send',
      'finalhandler',
      'qs',
      'iconv-lite',
      'type-is',
      'content-type',
      'on-finished',
      'debug',
      'statuses',
    ].includes(mod)
  )
    return 'express & body parsing';
  if (mod.startsWith('node:')) return 'node internals (http, net, streams, web)';
  if (mod.startsWith('app:')) return 'app code';
  if (mod === '(native/VM)') return 'native/VM builtins';
  return `other: ${mod}`;
}

export function analyze(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Self time per node from the sample stream (timeDeltas[i] belongs to samples[i]).
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()]
    .filter(([id]) => byId.get(id).callFrame.functionName === '(idle)')
    .reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;

  const key = (n) => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'} ${moduleOf(f.url)}:${f.lineNumber + 1}`;
  };
  const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);
  const selfFn = new Map();
  const selfMod = new Map();
  const selfCat = new Map();
  const inclusive = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    const mod = moduleOf(n.callFrame.url);
    add(selfFn, key(n), t);
    add(selfMod, mod, t);
    add(selfCat, category(n, mod), t);
    // Inclusive: every distinct function on this node's stack gets the sample once (recursion counted once).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, t);
      }
    }
  }
  const pct = (v) => round((100 * v) / busy, 1);
  const top = (map, n, filter = () => true) =>
    [...map.entries()]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => ({ name: k, ms: round(v / 1000, 0), pct: pct(v) }));
  return {
    file,
    busyMs: round(busy / 1000, 0),
    idleMs: round(idle / 1000, 0),
    byCategory: top(selfCat, 30, (k) => k !== 'idle'),
    byModule: top(selfMod, 20),
    topSelf: top(selfFn, TOP, (k) => !k.startsWith('(idle)')),
    // The per-request path: inclusive time of functions in the app, the SDK, zod, pino and express.
    topInclusive: top(
      inclusive,
      TOP * 2,
      (k) => !/^\((root|program|idle|garbage collector)\)/.test(k) && !/ node:/.test(k),
    ),
    // The project's own functions (what a template author controls), inclusive of what they call.
    appInclusive: top(inclusive, TOP, (k) => / app:/.test(k)),
  };
}

function print(name, summary, run) {
  console.log(`\n## ${name}${run ? `: ${Math.round(run.reqPerSec)} req/s under --cpu-prof` : ''}`);
  const perReq = run
    ? `, ${round((1000 * summary.busyMs) / run.served, 0)} µs of CPU per request (${run.served} requests)`
    : '';
  console.log(`busy ${summary.busyMs} ms, idle ${summary.idleMs} ms${perReq}; percentages are of busy time\n`);
  const rows = (list) => list.map((x) => [x.name, x.ms, `${x.pct}%`]);
  console.log(table(['self time by category', 'ms', '%'], rows(summary.byCategory)));
  console.log('');
  console.log(table(['self time by module', 'ms', '%'], rows(summary.byModule)));
  console.log('');
  console.log(table(['top self-time functions', 'ms', '%'], rows(summary.topSelf)));
  console.log('');
  console.log(table(['inclusive time (app, SDK, libraries)', 'ms', '%'], rows(summary.topInclusive)));
  console.log('');
  console.log(table(["inclusive time of the project's own functions", 'ms', '%'], rows(summary.appInclusive)));
}

if (args.analyze) {
  print(path.basename(String(args.analyze)), analyze(String(args.analyze)));
} else {
  const names = String(args.server ?? 'generated').split(',');
  const out = {};
  for (const name of names) {
    const run = await record(name);
    out[name] = { ...run, ...analyze(run.file) };
    print(name, out[name], run);
  }
  const file = saveResult(`profile-${names.join('-')}`, out);
  console.log(`\nsaved ${path.relative(ROOT, file)}`);
}
