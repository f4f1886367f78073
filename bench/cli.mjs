#!/usr/bin/env node
// CLI start-up and scaffold time: create-mcp-prod against create-vite, side by side in one run.
//
//   npm run build && node bench/setup.mjs --only tools && node bench/cli.mjs [--runs 40] [--warmup 3]
//   ... node bench/cli.mjs --against <checkout>   also times another built checkout of this repository (e.g. the
//                                                 last release in a git worktree), in the same alternating run
//
// Both CLIs are spawned as `node <bin>` (no npx), with stdin closed and stdout ignored, so that neither
// prompts. Each iteration runs every command once, in an order that alternates between iterations, so
// that drift on the machine hits all of them alike. Reported: median, p90, min and the median ratio.
// `node -e 0` is measured alongside as the floor (Node's own start-up).
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  BENCH,
  ROOT,
  countFiles,
  machine,
  median,
  parseArgs,
  quantile,
  round,
  saveResult,
  table,
  timeNode,
} from './lib.mjs';

const args = parseArgs();
const RUNS = Number(args.runs ?? 40);
const WARMUP = Number(args.warmup ?? 3);

const ours = path.join(ROOT, 'bin', 'create-mcp-prod.js');
const vite = path.join(BENCH, 'node_modules', 'create-vite', 'index.js');
const scratch = path.join(BENCH, 'tmp-cli');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

// Neither CLI may think it is interactive or run an install: no TTY, and both told so explicitly.
const env = { ...process.env, NO_COLOR: '1' };
delete env.npm_config_user_agent;

// Both CLIs get a directory name relative to their cwd: create-vite mangles absolute paths.
let seq = 0;
const dir = (name) => `${name}-${seq++}`;

const suites = {
  help: {
    'node -e 0': () => timeNode(['-e', '0'], { env }),
    'create-vite --help': () => timeNode([vite, '--help'], { env }),
    'create-mcp-prod --help': () => timeNode([ours, '--help'], { env }),
  },
  scaffold: {
    'create-vite (vanilla-ts)': async () => {
      const d = dir('vite');
      const ms = await timeNode([vite, d, '--template', 'vanilla-ts', '--no-interactive', '--no-immediate'], {
        env,
        cwd: scratch,
      });
      rmSync(path.join(scratch, d), { recursive: true, force: true });
      return ms;
    },
    'create-mcp-prod (defaults)': async () => {
      const d = dir('ours');
      const ms = await timeNode([ours, d, '--yes', '--no-install', '--no-git'], { env, cwd: scratch });
      rmSync(path.join(scratch, d), { recursive: true, force: true });
      return ms;
    },
  },
};
if (args.against) {
  const other = path.join(path.resolve(String(args.against)), 'bin', 'create-mcp-prod.js');
  suites.help['create-mcp-prod --help (against)'] = () => timeNode([other, '--help'], { env });
  suites.scaffold['create-mcp-prod (defaults, against)'] = async () => {
    const d = dir('against');
    const ms = await timeNode([other, d, '--yes', '--no-install', '--no-git'], { env, cwd: scratch });
    rmSync(path.join(scratch, d), { recursive: true, force: true });
    return ms;
  };
}

// Files each scaffold writes (one run each, kept for the count).
const files = {};
{
  const d1 = dir('vite-count');
  await timeNode([vite, d1, '--template', 'vanilla-ts', '--no-interactive', '--no-immediate'], { env, cwd: scratch });
  files['create-vite (vanilla-ts)'] = countFiles(path.join(scratch, d1));
  const d2 = dir('ours-count');
  await timeNode([ours, d2, '--yes', '--no-install', '--no-git'], { env, cwd: scratch });
  files['create-mcp-prod (defaults)'] = countFiles(path.join(scratch, d2));
  const d3 = dir('ours-all');
  await timeNode([ours, d3, '--yes', '--no-install', '--no-git', '-t', 'http', '-f', 'all'], { env, cwd: scratch });
  files['create-mcp-prod -t http -f all'] = countFiles(path.join(scratch, d3));
}

const samples = {};
for (const [suite, cmds] of Object.entries(suites)) {
  const names = Object.keys(cmds);
  for (const name of names) samples[name] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    // Alternate the order: forward on even iterations, backward on odd ones.
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const ms = await cmds[name]();
      if (i >= WARMUP) samples[name].push(ms);
    }
  }
  process.stderr.write(`${suite}: ${RUNS} runs each done\n`);
}
rmSync(scratch, { recursive: true, force: true });

const stats = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => [
    name,
    { median: median(s), p90: quantile(s, 0.9), min: Math.min(...s), runs: s.length },
  ]),
);
const ratio = (a, b) => stats[a].median / stats[b].median;
const ratios = {
  help: { value: ratio('create-mcp-prod --help', 'create-vite --help'), target: 1.3 },
  scaffold: { value: ratio('create-mcp-prod (defaults)', 'create-vite (vanilla-ts)'), target: 1.3 },
};
if (args.against) {
  ratios['help, the other checkout'] = {
    value: ratio('create-mcp-prod --help (against)', 'create-vite --help'),
    target: 1.3,
  };
  ratios['scaffold, the other checkout'] = {
    value: ratio('create-mcp-prod (defaults, against)', 'create-vite (vanilla-ts)'),
    target: 1.3,
  };
  ratios['scaffold, this / the other checkout'] = {
    value: ratio('create-mcp-prod (defaults)', 'create-mcp-prod (defaults, against)'),
    target: 1,
  };
}

const result = { machine: machine(), runs: RUNS, warmup: WARMUP, stats, ratios, files, samples };
const file = saveResult('cli', result);

const rows = Object.entries(stats).map(([name, s]) => [
  name,
  round(s.median, 1),
  round(s.p90, 1),
  round(s.min, 1),
  files[name] ?? '',
]);
console.log(`\n${RUNS} runs each (after ${WARMUP} warm-up), alternating order; times in ms, spawn to exit.\n`);
console.log(table(['command', 'median', 'p90', 'min', 'files written'], rows));
console.log('');
console.log(
  table(
    ['ratio (median, ours / create-vite)', 'value', 'target', 'met'],
    Object.entries(ratios).map(([k, r]) => [
      k,
      `${round(r.value, 2)}x`,
      `<= ${r.target}x`,
      r.value <= r.target ? 'yes' : 'no',
    ]),
  ),
);
console.log(`\nfiles: ${JSON.stringify(files)}\nsaved ${path.relative(ROOT, file)}`);
