// Helpers shared by the benchmark scripts. Nothing here is imported by the CLI or its tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Git-ignored: the reference tools, the generated projects and the results live here. */
export const BENCH = path.join(ROOT, '.bench');
export const RESULTS = path.join(BENCH, 'results');

/** Loads a package installed in `.bench/` (autocannon, express...): the repo's package.json never lists them. */
export const benchRequire = createRequire(path.join(BENCH, 'package.json'));

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
export const median = (values) => quantile(values, 0.5);

export function round(value, digits = 1) {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Parses `--name value` and `--flag` into an object; numbers stay strings. */
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) out[key] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else out[key] = true;
  }
  return out;
}

/** Runs a command to completion, inheriting output; throws on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status ?? res.signal} (cwd ${opts.cwd ?? process.cwd()})`);
  }
  return res;
}

/**
 * The HTTP project `checkout`'s CLI generates as `<dir>/<name>` with `features` (dependencies installed), built;
 * done once: an existing build is kept. Returns the project's folder.
 */
export function generateProject(dir, name, checkout, features) {
  const cwd = path.join(dir, name);
  if (existsSync(path.join(cwd, 'dist', 'http.js'))) return cwd;
  rmSync(cwd, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${name} (-f ${features}) with ${checkout}\n`);
  const bin = path.join(checkout, 'bin', 'create-mcp-prod.js');
  run(process.execPath, [bin, name, '--yes', '--no-git', '-t', 'http', '-f', features], {
    cwd: dir,
    env: { ...process.env, CI: 'true' },
  });
  run('npm', ['run', 'build'], { cwd });
  return cwd;
}

/** Spawns `node args...` and resolves with the wall time in ms from spawn to exit. */
export function timeNode(args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
      else resolve(ms);
    });
  });
}

/** Number of regular files under `dir`, recursively. */
export function countFiles(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) n += countFiles(p);
    else n++;
  }
  return n;
}

/** Disk usage of a directory in bytes, as `du -sk` counts it (blocks actually used). */
export function diskUsage(dir) {
  const res = spawnSync('du', ['-sk', dir], { encoding: 'utf8' });
  return Number(res.stdout.split(/\s+/)[0]) * 1024;
}

/** Apparent size (sum of file sizes) of a directory in bytes. */
export function apparentSize(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) n += apparentSize(p);
    else if (entry.isFile()) n += statSync(p).size;
  }
  return n;
}

/** Installed packages in a node_modules tree (scoped and nested ones included). */
export function countPackages(nodeModules) {
  if (!existsSync(nodeModules)) return 0;
  let n = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const p = path.join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(p, { withFileTypes: true })) {
        if (!scoped.isDirectory()) continue;
        n += 1 + countPackages(path.join(p, scoped.name, 'node_modules'));
      }
    } else {
      n += 1 + countPackages(path.join(p, 'node_modules'));
    }
  }
  return n;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

export function saveResult(name, data) {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
