import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { envFile } from '../../src/engine/env.js';
import { buildManifest, MANIFEST, serializeManifest } from '../../src/engine/manifest.js';
import { render, type FileTree } from '../../src/engine/render.js';
import { removeDir, tempDir } from '../helpers.js';
import { answerSpace, comboId, pairwiseSet, storeMatters, testedSet } from '../space.js';
import { runIn, startRedis } from './harness.js';

/**
 * Covering sets of the answer space (test/space.ts), for real: every pair of option values (transport, each
 * feature on/off, auth kind, store) is type-checked and built together in at least one project, and a smaller
 * set (each feature on and off on every transport, both auth kinds, each store-using feature on both stores)
 * runs its own generated test suite, with a real Redis for the Redis store. Every combination is already
 * rendered and checked without installs by test/unit/space.test.ts.
 *
 * One install serves every project: the union of their dependencies is installed once, and each project's
 * node_modules is a symlink to it, so a project costs a type-check (or a test run), not an install. The install is
 * `npm install`, not `npm ci`, so the registry-drift pin of harness.ts (makeNpmCiWork) is not needed here.
 */

const space = answerSpace();
const typechecked = pairwiseSet(space);
const tested = testedSet(space);

let work: string;
let shared: string;
/** One Redis for the projects on the Redis store, started when the first needs it. */
let redis: ReturnType<typeof startRedis> | undefined;
const dirs = new Map<string, string>();
const timings: string[] = [];

/** The union of the projects' dependencies; the same package at two ranges would make one install wrong. */
function union(trees: FileTree[]): { dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  const out = { dependencies: {} as Record<string, string>, devDependencies: {} as Record<string, string> };
  for (const tree of trees) {
    const pkg = JSON.parse(tree['package.json']!) as Partial<typeof out>;
    for (const kind of ['dependencies', 'devDependencies'] as const) {
      for (const [dep, range] of Object.entries(pkg[kind] ?? {})) {
        const had = out.dependencies[dep] ?? out.devDependencies[dep];
        if (had !== undefined && had !== range) throw new Error(`${dep} is wanted at ${had} and at ${range}`);
        out[kind][dep] = range;
      }
    }
  }
  return out;
}

/** Writes a project as `create --no-install` would (files, .env, manifest), its node_modules the shared one. */
async function writeProject(dir: string, a: Answers, tree: FileTree): Promise<void> {
  const env = envFile(undefined, tree['.env.example'], () => 'combinations-test-secret-0123456789abcdef');
  const files: FileTree = {
    ...tree,
    [MANIFEST]: serializeManifest(buildManifest(a, tree)),
    ...(env && { '.env': env }),
  };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await symlink(path.join(shared, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

beforeAll(async () => {
  work = await tempDir('cmp-combos-');
  shared = path.join(work, 'shared');
  const projects = [...new Map([...typechecked, ...tested].map((a) => [comboId(a), a])).values()];
  const trees = await Promise.all(projects.map((a) => render(a)));
  console.log(
    `answer space: ${space.length} combinations; type-checking ${typechecked.length} (all pairs), running the tests of ${tested.length}`,
  );

  let t = performance.now();
  await mkdir(shared, { recursive: true });
  const deps = union(trees);
  await writeFile(
    path.join(shared, 'package.json'),
    `${JSON.stringify({ name: 'combinations-shared', private: true, type: 'module', ...deps }, null, 2)}\n`,
  );
  const install = await runIn(shared, 'npm', ['install', '--no-audit', '--no-fund']);
  if (install.exitCode !== 0) throw new Error(`npm install of the union of dependencies failed:\n${install.all}`);
  timings.push(
    `shared install (${Object.keys(deps.dependencies).length + Object.keys(deps.devDependencies).length} packages): ${Math.round(performance.now() - t)} ms`,
  );

  t = performance.now();
  for (const [i, a] of projects.entries()) {
    const dir = path.join(work, `p${String(i + 1).padStart(2, '0')}`);
    await writeProject(dir, a, trees[i]!);
    dirs.set(comboId(a), dir);
  }
  timings.push(`${projects.length} projects written: ${Math.round(performance.now() - t)} ms`);
});

afterAll(async () => {
  const r = await redis?.catch(() => undefined);
  if (r && 'stop' in r) await r.stop();
  console.log(`combinations:\n  ${timings.join('\n  ')}`);
  if (work) await removeDir(work);
});

describe(`type-check and build: every pair of options together (${typechecked.length} projects)`, () => {
  it.each(typechecked.map((a) => ({ id: comboId(a), a })))('$id', async ({ id }) => {
    const t = performance.now();
    const types = await runIn(dirs.get(id)!, 'npm', ['run', 'typecheck']);
    expect(types.exitCode, types.all).toBe(0);
    // The build has a tsconfig of its own (tsconfig.build.json, without the tests).
    const build = await runIn(dirs.get(id)!, 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    timings.push(`typecheck + build ${id}: ${Math.round(performance.now() - t)} ms`);
  });
});

it('type-check fails on a type error (the check is not vacuous)', async () => {
  const dir = dirs.get(comboId(typechecked[0]!))!;
  const probe = path.join(dir, 'src', 'type-error-probe.ts');
  await writeFile(probe, "export const n: number = 'not a number';\n");
  try {
    const types = await runIn(dir, 'npm', ['run', 'typecheck']);
    expect(types.exitCode, types.all).not.toBe(0);
    expect(types.all).toContain('type-error-probe.ts');
  } finally {
    await rm(probe);
  }
});

describe(`generated tests: each feature on and off on every transport (${tested.length} projects)`, () => {
  it.for(tested.map((a) => ({ id: comboId(a), a })))('$id', async ({ id, a }, ctx) => {
    const env: Record<string, string> = {};
    if (storeMatters(a) && a.store === 'redis') {
      const r = await (redis ??= startRedis());
      if ('skip' in r) return ctx.skip(r.skip);
      env.REDIS_URL = r.url;
    }
    const t = performance.now();
    const test = await runIn(dirs.get(id)!, 'npm', ['test'], env);
    timings.push(`npm test ${id}: ${Math.round(performance.now() - t)} ms`);
    expect(test.exitCode, test.all).toBe(0);
    // With REDIS_URL the Redis tests run; the suite says so when it skips them.
    if (env.REDIS_URL) expect(test.all).not.toMatch(/skipped \(no REDIS_URL\)/);
  });
});
