import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, missingTool, removeDir, tempDir } from '../helpers.js';
import { pinVite, REGISTRY_DRIFT, runIn } from './harness.js';

/**
 * Projects made with --pm pnpm and --pm yarn, for real: created and installed by the CLI with that package manager
 * (as corepack runs it), then the generated CI workflow's own `run:` steps executed in order, from installing the
 * package manager that package.json's "packageManager" names through a frozen install, build, typecheck, the
 * generated tests and the format check. The Dockerfile is checked to build from the same lockfile the same way.
 */
const LOCKFILE = { pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' } as const;
const FROZEN = { pnpm: 'pnpm install --frozen-lockfile', yarn: 'yarn install --immutable' } as const;

let work: string;
let reason: string | undefined;
/** The versions that run `create` here, as a user's current pnpm and Yarn would. */
const RAN = { pnpm: '10.34.9', yarn: '4.18.1' } as const;

/** PATH and corepack settings under which `pnpm` and `yarn` are the corepack shims a user has. */
let pmEnv: Record<string, string>;

beforeAll(async () => {
  const which = await execa('sh', ['-c', 'command -v corepack'], { reject: false });
  if (which.exitCode !== 0) {
    reason = missingTool('package-manager e2e: corepack is not installed (it runs pnpm and yarn)');
    return;
  }
  work = await tempDir('cmp-pm-');
  const shims = path.join(work, 'shims');
  await mkdir(shims);
  await execa('corepack', ['enable', '--install-directory', shims, 'pnpm', 'yarn']);
  const registry = (await execa('npm', ['config', 'get', 'registry'])).stdout.trim().replace(/\/$/, '');
  pmEnv = {
    PATH: `${shims}${path.delimiter}${process.env.PATH}`,
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    // Test-only, for this machine: corepack fetches from the registry npm uses (not its own default hosts), and
    // that registry serves no npm signatures for corepack to check.
    COREPACK_NPM_REGISTRY: registry,
    COREPACK_INTEGRITY_KEYS: '0',
  };
});
afterAll(async () => {
  if (work) await removeDir(work);
});

/**
 * Registry drift, test-only (pinVite in harness.ts): vite >= 8.4 lists an optional dependency this
 * registry does not serve, and Yarn fails on its 404. When, and only when, the install fails that way, the test's
 * copy of the project pins vite below 8.4 (Yarn `resolutions`) and installs again.
 */
async function installWithDriftFix(dir: string, pm: 'pnpm' | 'yarn', env: Record<string, string>) {
  const first = await runIn(dir, pm, ['install'], { ...env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
  if (first.exitCode === 0) return first;
  if (!REGISTRY_DRIFT.test(first.all ?? '')) return first;
  await pinVite(dir, pm);
  return runIn(dir, pm, ['install'], { ...env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
}

describe.each(['pnpm', 'yarn'] as const)('--pm %s (real installs, the generated CI steps run in order)', (pm) => {
  it('pins the package manager, installs from its lockfile frozen, builds and passes its tests; the Dockerfile does the same', async (ctx) => {
    if (reason) return ctx.skip();
    const parent = path.join(work, pm);
    await mkdir(parent);
    // As `pnpm create mcp-prod` / `yarn create mcp-prod` run it: the package manager says who it is, and which
    // version, in npm_config_user_agent; `packageManager` records that version (corepack then brings it).
    const ran = RAN[pm];
    const made = await cli(['app', '-y', '-t', 'http', '-f', 'health,docker,tests', '--pm', pm, '--no-git'], {
      cwd: parent,
      env: { ...pmEnv, npm_config_user_agent: `${pm}/${ran} npm/? node/${process.version}` },
      timeout: 300_000,
    });
    const dir = path.join(parent, 'app');
    if (made.exitCode !== 0) {
      // The CLI's own install; retried by the test only for the registry drift above.
      expect(made.stdout, made.stderr).toContain(`cd app && ${pm} install`);
      const again = await installWithDriftFix(dir, pm, pmEnv);
      expect(again.exitCode, again.all).toBe(0);
    }
    expect(existsSync(path.join(dir, LOCKFILE[pm])), `${LOCKFILE[pm]} is written`).toBe(true);

    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { packageManager?: string };
    expect(pkg.packageManager).toBe(`${pm}@${ran}`);

    // The generated workflow, step by step: each `run:` line, as GitHub Actions would run it (bash -e).
    const workflow = await readFile(path.join(dir, '.github/workflows/ci.yml'), 'utf8');
    const steps = [...workflow.matchAll(/^\s*- run: (.+)$/gm)].map((m) => m[1]!);
    expect(steps[0]).toMatch(new RegExp(`corepack enable ${pm}$`));
    expect(steps).toContain(FROZEN[pm]);
    // `npm install --global` of the workflow goes to a prefix of the test's, first on PATH.
    const prefix = path.join(work, `global-${pm}`);
    const env = {
      ...pmEnv,
      npm_config_prefix: prefix,
      PATH: `${path.join(prefix, 'bin')}${path.delimiter}${pmEnv.PATH}`,
    };
    for (const step of steps) {
      const r = await runIn(dir, 'bash', ['-ec', step], env);
      expect(r.exitCode, `${step}\n${r.all}`).toBe(0);
    }
    // The package manager the workflow installed is the one package.json names.
    const version = await runIn(dir, 'bash', ['-ec', `command -v ${pm} && ${pm} --version`], env);
    expect(version.stdout.split('\n')[0]).toBe(path.join(prefix, 'bin', pm));
    expect(`${pm}@${version.stdout.split('\n')[1]}`).toBe(pkg.packageManager);

    // The Dockerfile installs from the same lockfile, frozen, with the same package manager.
    const dockerfile = await readFile(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(new RegExp(`^COPY package\\.json ${LOCKFILE[pm].replace('.', '\\.')}`, 'm'));
    expect(dockerfile).toContain(`corepack enable ${pm}`);
    expect(dockerfile).toContain(`RUN ${FROZEN[pm]}`);
    expect(dockerfile).not.toMatch(/npm (ci|install)$/m);
    for (const copied of /^COPY (?!--from)(.+) \.\/$/gm.exec(dockerfile)![1]!.split(' ')) {
      expect(existsSync(path.join(dir, copied)), `${copied}, copied by the Dockerfile, exists`).toBe(true);
    }
  }, 900_000);
});
