#!/usr/bin/env node
// Cold start: time from spawn to the first successful `tools/call` (a 200 with the echoed text; for the modern
// era, `resultType: "complete"`), with no probe before it. The servers are started in turn, the order rotating
// and reversing every round, and stopped (SIGTERM) after their first answer. Reports each server's median and
// the median of the per-round ratios A/B (under 1: A starts faster).
//
//   node bench/cold.mjs [--a current] [--b 0.2.0[,xmcp-1.1.3]] [--rounds 10] [--era modern|legacy|both]
//
// Names as in bench/ab.mjs: `current`, `0.2.0`, `git:<ref>`, `xmcp-1.1.3` are built on demand (cached under
// .bench/compare/); the names of bench/servers.mjs need bench/setup.mjs first.
import { parseArgs, round } from './lib.mjs';
import { isPrepared, prepare } from './contenders.mjs';
import { coldStarts } from './paired.mjs';
import { servers } from './servers.mjs';

const args = parseArgs();
const ROUNDS = Number(args.rounds ?? 10);
const eras = args.era === 'both' || args.era === undefined ? ['modern', 'legacy'] : [String(args.era)];
const a = String(args.a ?? 'current');
const others = String(args.b ?? '0.2.0').split(',');
const all = servers();
const descriptors = {};
for (const name of [a, ...others]) {
  if (isPrepared(name)) descriptors[name] = await prepare(name, { noBuild: Boolean(args['no-build']) });
  else if (all[name]) descriptors[name] = { ...all[name], probe: null };
  else throw new Error(`unknown server ${name}`);
}

for (const era of eras) {
  const r = await coldStarts(descriptors, {
    era,
    rounds: ROUNDS,
    onRound: (i, t) =>
      process.stderr.write(
        `${era} round ${i + 1}/${ROUNDS}: ${Object.entries(t)
          .map(([n, ms]) => `${n} ${round(ms, 1)} ms`)
          .join(', ')}\n`,
      ),
  });
  console.log(`\n${era} era, ${ROUNDS} rounds: spawn to the first good tools/call`);
  for (const [name, s] of Object.entries(r.ms)) {
    console.log(`${name}: median ${round(s.median, 1)} ms (quartiles ${round(s.q1, 1)}-${round(s.q3, 1)})`);
  }
  for (const [name, s] of Object.entries(r.ratios)) {
    console.log(
      `${a}/${name}: ${round(s.median, 3)} (quartiles ${round(s.q1, 3)}-${round(s.q3, 3)}); ratio of medians ${round(r.ms[a].median / r.ms[name].median, 3)}`,
    );
  }
}
