// Paired measurements shared by bench/ab.mjs, bench/cold.mjs and bench/compare.mjs.
//
// - pairedLoad: two servers that stay up and warm are loaded in turn, in short slices (A B, B A, A B...), so that
//   each pair of slices sees the same machine; per-pair ratios A/B of req/s, p99 and CPU per request.
// - coldStarts: servers started from nothing in turn (the order rotates and reverses every round), each timed
//   from spawn to its first good `tools/call` (no probe first), then stopped; per-round ratios.
import { readFileSync, readdirSync } from 'node:fs';
import { median, quantile, round } from './lib.mjs';
import { loadTest, startServer, stopServer } from './servers.mjs';

/** `pid` and its descendants (wrangler dev runs workerd as a child), from /proc. */
function processTree(pid) {
  const parent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, ppid] of parent) {
      if (!tree.has(child) && tree.has(ppid)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return [...tree];
}

/**
 * CPU time of every thread of `pid` (and, with `tree`, of its descendants) so far, in milliseconds
 * (/proc/<pid>/task/<tid>/schedstat, field 1, nanoseconds): GC and helper threads count.
 */
export function threadsCpuMs(pid, { tree = false } = {}) {
  let ns = 0;
  for (const p of tree ? processTree(pid) : [pid]) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        ns += Number(readFileSync(`/proc/${p}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // A thread that ended between the listing and the read.
      }
    }
  }
  return ns / 1e6;
}

/** One load slice of `seconds` on a running server: throughput, latency, failures, CPU per request. */
export async function loadSlice(server, child, { era, seconds, connections }) {
  const tree = Boolean(server.command);
  const before = threadsCpuMs(child.pid, { tree });
  const result = await loadTest(server, { connections, seconds, era });
  const cpu = threadsCpuMs(child.pid, { tree }) - before;
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`${server.label} exited during a slice (${child.exitCode ?? child.signalCode})`);
  }
  return {
    reqPerSec: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerReq: (1000 * cpu) / result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches ?? 0,
  };
}

/** `values` as "median (quartiles q1-q3)". */
export function spread(values, digits = 3) {
  return `${round(median(values), digits)} (quartiles ${round(quantile(values, 0.25), digits)}-${round(quantile(values, 0.75), digits)})`;
}

export function stats(values) {
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75), n: values.length };
}

/**
 * `pairs` pairs of slices of the running servers `a` and `b` (`{ server, child }`), A B then B A..., after
 * `discard` pairs that are run but not counted (the first slices after a warm-up read far apart here).
 * Returns the slices and per-pair ratios a/b; failures of the discarded pairs are in `discarded`.
 */
export async function pairedLoad(a, b, { era, pairs = 8, slice = 2, connections = 20, discard = 0, onPair } = {}) {
  const rows = [];
  const discarded = [];
  for (let i = 0; i < discard + pairs; i++) {
    const order = i % 2 === 0 ? [a, b] : [b, a];
    const got = new Map();
    for (const x of order) got.set(x, await loadSlice(x.server, x.child, { era, seconds: slice, connections }));
    const row = { a: got.get(a), b: got.get(b) };
    if (i < discard) {
      discarded.push(row);
      continue;
    }
    rows.push(row);
    onPair?.(i - discard, row);
  }
  return { ...summarizePairs(rows), discarded };
}

export function summarizePairs(rows) {
  const ratio = (key) => rows.map((r) => r.a[key] / r.b[key]).filter(Number.isFinite);
  const side = (k) => {
    const s = rows.map((r) => r[k]);
    const sum = (key) => s.reduce((n, x) => n + x[key], 0);
    return {
      reqPerSec: median(s.map((x) => x.reqPerSec)),
      p50: median(s.map((x) => x.p50)),
      p99: median(s.map((x) => x.p99)),
      cpuUsPerReq: median(s.map((x) => x.cpuUsPerReq)),
      requests: sum('total'),
      errors: sum('errors'),
      non2xx: sum('non2xx'),
      mismatches: sum('mismatches'),
    };
  };
  const a = side('a');
  const b = side('b');
  return {
    pairs: rows.length,
    a,
    b,
    reqPerSec: stats(ratio('reqPerSec')),
    p99: stats(ratio('p99')),
    p99OfMedians: a.p99 / b.p99,
    cpuUsPerReq: stats(ratio('cpuUsPerReq')),
    rows,
  };
}

/** Starts `server`, times spawn to its first good `tools/call` in `era`, stops it. */
export async function coldStart(server, { era, logFile } = {}) {
  const { child, firstCallMs } = await startServer(server, { era, logFile, timeoutMs: 60_000 });
  await stopServer(child);
  return firstCallMs;
}

/**
 * `rounds` rounds in which every server of `servers` ({ name: descriptor }) is cold-started once, the order
 * rotating and reversing between rounds. Returns per-server times and per-round ratios first/other.
 */
export async function coldStarts(servers, { era, rounds = 10, onRound } = {}) {
  const names = Object.keys(servers);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const rotated = names.map((_, i) => names[(i + r) % names.length]);
    const order = r % 2 === 0 ? rotated : rotated.reverse();
    for (const name of order) times[name].push(await coldStart(servers[name], { era }));
    onRound?.(r, Object.fromEntries(names.map((n) => [n, times[n][r]])));
  }
  const [first, ...others] = names;
  const ratios = Object.fromEntries(
    others.map((n) => [n, stats(times[first].map((t, i) => t / times[n][i]).filter(Number.isFinite))]),
  );
  return {
    ms: Object.fromEntries(names.map((n) => [n, stats(times[n])])),
    ratios,
    times,
  };
}
