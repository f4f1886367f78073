import { execa } from 'execa';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKER } from '../../src/engine/merge.js';
import { FEATURE_IDS, OPTIONS } from '../../src/features.js';
import { cli, removeDir, ROOT, snapshot, tempDir } from '../helpers.js';

// The built bin, spawned without a TTY and with CI=true, as scripts and CI run it.
let work: string;
beforeAll(async () => {
  work = await tempDir('cmp-cli-');
});
afterAll(async () => {
  await removeDir(work);
});

const offline = ['--no-install', '--no-git'];

describe('without a TTY', () => {
  it('a missing answer exits 2 within seconds, naming the flag', async () => {
    const started = Date.now();
    const r = await cli(['app'], { cwd: work, timeout: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--transport');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await snapshot(work)).toEqual({});
  });

  it.each([
    [
      'an unknown feature',
      ['app', '-y', '-f', 'cache,telepathy'],
      /Unknown feature: telepathy[\s\S]*auth, cache, breaker/,
    ],
    [
      'a bad transport',
      ['app', '-y', '-t', 'carrier-pigeon'],
      /Invalid transport "carrier-pigeon"[\s\S]*stdio, http, both/,
    ],
    ['a bad name', ['app', '-y', '--name', 'Bad Name'], /Invalid project name "Bad Name"[\s\S]*--name bad-name/],
    ['an invalid directory name', ['Bad Dir', '-y'], /not a valid npm package name[\s\S]*--name bad-dir/],
    ['an HTTP-only feature on stdio', ['app', '-y', '-t', 'stdio', '-f', 'metrics'], /metrics serves HTTP/],
    ['an unknown flag', ['app', '-y', '--colour'], /unknown option '--colour'/],
    ['a misspelt feature', ['app', '-y', '-f', 'metrcs'], /Unknown feature: metrcs\. Did you mean "metrics"\?/],
    [
      '--auth without the auth feature',
      ['app', '-y', '-t', 'http', '-f', 'cache', '--auth', 'oauth'],
      /--auth answers for the auth feature, which the chosen features \(cache\) do not include[\s\S]*Add auth to --features, or drop --auth/,
    ],
    [
      '--store without a feature that keeps state',
      ['app', '-y', '-t', 'http', '-f', 'tests', '--store', 'redis'],
      /--store answers for the cache and ratelimit features[\s\S]*Add cache or ratelimit to --features/,
    ],
  ])('%s exits 2 and writes nothing', async (_what, args, message) => {
    const r = await cli([...args, ...offline], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(work)).toEqual({});
  });

  it('-f repeated adds up: -f cache -f tests keeps both', async () => {
    const r = await cli(['repeat', '-y', '-t', 'http', '-f', 'cache', '-f', 'tests', '--json', ...offline], {
      cwd: work,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).answers.features).toEqual(['cache', 'tests']);
    await removeDir(path.join(work, 'repeat'));
  });

  it('refuses a non-empty directory without --force and leaves it byte-identical', async () => {
    const dir = path.join(work, 'busy');
    await mkdir(path.join(dir, 'src'), { recursive: true });
    await writeFile(path.join(dir, 'package.json'), '{"name":"mine"}\n');
    await writeFile(path.join(dir, 'src/server.ts'), '// my own code\n');
    const before = await snapshot(dir);
    const r = await cli(['busy', '-y', ...offline], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/is not empty[\s\S]*--force/);
    expect(await snapshot(dir)).toEqual(before);
    await removeDir(dir);
  });

  it('--force writes into a non-empty directory and deletes nothing', async () => {
    const dir = path.join(work, 'forced');
    await mkdir(dir);
    await writeFile(path.join(dir, 'NOTES.md'), 'keep me\n');
    await writeFile(path.join(dir, '.env'), 'PORT=4000\n');
    const r = await cli(['forced', '-y', '--force', ...offline], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    const after = await snapshot(dir);
    expect(after['NOTES.md']).toBe('keep me\n');
    expect(after['.env']!.startsWith('PORT=4000\n')).toBe(true);
    expect(after['package.json']).toBeDefined();
    await removeDir(dir);
  });

  it('--force overwrites no file of yours: a clash gets conflict markers (exit 1), package.json merges by key', async () => {
    const dir = path.join(work, 'clash');
    await mkdir(dir);
    await writeFile(path.join(dir, 'README.md'), '# My notes\n');
    await writeFile(
      path.join(dir, 'package.json'),
      '{\n  "name": "mine",\n  "scripts": {\n    "seed": "node seed.js"\n  }\n}\n',
    );
    const r = await cli(['clash', '-y', '--force', '--json', ...offline], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: false, conflicts: ['README.md'], git: { ran: false } });
    const after = await snapshot(dir);
    expect(after['README.md']).toMatch(new RegExp(`^${MARKER.ours}\\n# My notes\\n${MARKER.sep}\\n# clash\\n`));
    expect(after['README.md']).toMatch(new RegExp(`^${MARKER.theirs}$`, 'm'));
    const pkg = JSON.parse(after['package.json']!);
    expect(pkg).toMatchObject({ name: 'mine', scripts: { seed: 'node seed.js', build: expect.any(String) } });
    expect(pkg.dependencies['@modelcontextprotocol/server']).toBeDefined();
    const byPath = Object.fromEntries(result.files.map((f: { path: string }) => [f.path, f]));
    expect(byPath['package.json']).toEqual({ path: 'package.json', action: 'merge', note: 'kept your name' });
    expect(byPath['src/server.ts']).toEqual({ path: 'src/server.ts', action: 'create', note: null });

    // Planned again: the files it wrote are recognised by their recorded hashes; yours still clash.
    const again = await cli(['clash', '-y', '--force', '--dry-run', '--json', ...offline], { cwd: work });
    expect(again.exitCode).toBe(1);
    const actions = new Set(JSON.parse(again.stdout).files.map((f: { action: string }) => f.action));
    expect([...actions].sort()).toEqual(['conflict', 'keep', 'unchanged']);
    await removeDir(dir);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const r = await cli(['dry', '-y', '--dry-run', ...offline], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/create\s+package\.json/);
    expect(r.stdout).toMatch(/create\s+\.mcp-prod\.json/);
    expect(await snapshot(work)).toEqual({});
  });

  it('--json prints exactly one JSON object', async () => {
    const r = await cli(['jsonapp', '-y', '--json', ...offline], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: true, command: 'create', answers: { name: 'jsonapp', transport: 'both' } });
    expect(result.files.map((f: { path: string }) => f.path)).toContain('package.json');
    expect(result.files.find((f: { path: string }) => f.path === 'package.json')).toEqual({
      path: 'package.json',
      action: 'create',
      note: null,
    });
    expect(result.conflicts).toEqual([]);
    expect(result.install).toMatchObject({ ran: false });
    expect(result.nextSteps[0]).toBe('cd jsonapp');
    await removeDir(path.join(work, 'jsonapp'));
  });

  it('create --json and add --json describe files with exactly the same keys', async () => {
    const made = await cli(['samekeys', '-y', '-f', '', '--json', ...offline], { cwd: work });
    expect(made.exitCode, made.stderr).toBe(0);
    const dir = path.join(work, 'samekeys');
    await writeFile(path.join(dir, 'README.md'), `${(await snapshot(dir))['README.md']}\nMine.\n`);
    const grown = await cli(['add', 'docker', 'logging', '--json', '--no-install'], { cwd: dir });
    expect(grown.exitCode, grown.stderr).toBe(0);
    const files = [...JSON.parse(made.stdout).files, ...JSON.parse(grown.stdout).files] as Record<string, unknown>[];
    const shapes = new Set(files.map((f) => Object.keys(f).sort().join(',')));
    expect([...shapes]).toEqual(['action,note,path']);
    // The same vocabulary: every action either command reports is one of the plan's actions.
    const actions = new Set(files.map((f) => f.action));
    expect(
      [...actions].filter((a) => !['create', 'update', 'merge', 'keep', 'conflict', 'unchanged'].includes(a as string)),
    ).toEqual([]);
    expect(actions).toContain('create');
    expect(actions).toContain('merge');
    await removeDir(dir);
  });

  it('--json errors are JSON too, with the exit code', async () => {
    const r = await cli(['x', '--json', '-y', '-t', 'nope'], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
  });

  it('writes the manifest with answers and a hash for every generated file', async () => {
    const r = await cli(['man', '-y', '-t', 'http', '-f', 'cache,metrics', '--store', 'redis', ...offline], {
      cwd: work,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const files = await snapshot(path.join(work, 'man'));
    const manifest = JSON.parse(files['.mcp-prod.json']!);
    expect(manifest.answers).toMatchObject({
      name: 'man',
      transport: 'http',
      features: ['cache', 'metrics'],
      store: 'redis',
    });
    const generated = Object.keys(files).filter((f) => f !== '.mcp-prod.json' && f !== '.env');
    expect(Object.keys(manifest.files).sort()).toEqual(generated.sort());
    await removeDir(path.join(work, 'man'));
  });

  it('an I/O failure mid-write leaves nothing behind', async () => {
    const r = await cli(['broken', '-y', ...offline], { cwd: work, env: { CREATE_MCP_PROD_FAULT_AFTER: '1' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Simulated I/O failure');
    expect(await snapshot(work)).toEqual({});
  });

  it('git init makes a first commit even without a git identity', async () => {
    const home = await tempDir('cmp-home-');
    const noIdentity = {
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: path.join(home, 'none'),
      GIT_AUTHOR_NAME: '',
      GIT_COMMITTER_NAME: '',
      EMAIL: '',
    };
    const r = await cli(['gitapp', '-y', '--no-install', '--json'], { cwd: work, env: noIdentity });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).git).toMatchObject({ ran: true, committed: true });
    const dir = path.join(work, 'gitapp');
    const log = await execa('git', ['log', '--format=%an|%s'], { cwd: dir, env: noIdentity });
    expect(log.stdout).toBe('create-mcp-prod|Initial commit from create-mcp-prod');
    const tracked = await execa('git', ['ls-files'], { cwd: dir, env: noIdentity });
    expect(tracked.stdout.split('\n')).toEqual(
      expect.arrayContaining(['package.json', '.mcp-prod.json', 'src/server.ts']),
    );
    expect((await execa('git', ['status', '--porcelain'], { cwd: dir, env: noIdentity })).stdout).toBe('');
    await removeDir(dir);
    await removeDir(home);
  });

  it('the first commit holds what we generated, not the files that were already in the directory', async () => {
    const dir = path.join(work, 'gitbusy');
    await mkdir(path.join(dir, 'drafts'), { recursive: true });
    await writeFile(path.join(dir, 'notes.txt'), 'mine\n');
    await writeFile(path.join(dir, 'drafts/idea.md'), '# mine\n');
    const r = await cli(['gitbusy', '-y', '-t', 'http', '-f', 'tests', '--no-install', '--force'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    const tracked = (await execa('git', ['ls-files'], { cwd: dir })).stdout.split('\n');
    expect(tracked).toEqual(expect.arrayContaining(['package.json', '.mcp-prod.json', 'src/server.ts', '.gitignore']));
    expect(tracked).not.toContain('notes.txt');
    expect(tracked).not.toContain('drafts/idea.md');
    expect(tracked).not.toContain('.env');
    // The user's files are still there, untracked, for them to commit or not.
    const status = (await execa('git', ['status', '--porcelain'], { cwd: dir })).stdout;
    expect(status.split('\n').sort()).toEqual(['?? drafts/', '?? notes.txt']);
    await removeDir(dir);
  });

  it('git init makes the first commit as the user when git knows them', async () => {
    const home = await tempDir('cmp-home-');
    const env = {
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: path.join(home, 'none'),
      GIT_AUTHOR_NAME: 'Ada',
      GIT_AUTHOR_EMAIL: 'ada@example.com',
      GIT_COMMITTER_NAME: 'Ada',
      GIT_COMMITTER_EMAIL: 'ada@example.com',
    };
    const r = await cli(['gitada', '-y', '--no-install'], { cwd: work, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Git: initialised a repository with a first commit.');
    const log = await execa('git', ['log', '--format=%an <%ae>'], { cwd: path.join(work, 'gitada'), env });
    expect(log.stdout).toBe('Ada <ada@example.com>');
    await removeDir(path.join(work, 'gitada'));
    await removeDir(home);
  });

  it('a failed install keeps the project, prints the retry command and exits 1', async () => {
    const r = await cli(['noinst', '-y', '--no-git', '--pm', 'pnpm'], {
      cwd: work,
      env: { PATH: path.dirname(process.execPath) },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('cd noinst && pnpm install');
    expect((await snapshot(path.join(work, 'noinst')))['package.json']).toBeDefined();
    await removeDir(path.join(work, 'noinst'));
  });

  it('records the version of the package manager that ran it in packageManager, and none when unknown', async () => {
    const pkg = async (dir: string, agent: string, pm: string) => {
      const r = await cli([dir, '-y', '-f', '', '-t', 'stdio', '--pm', pm, ...offline], {
        cwd: work,
        env: { npm_config_user_agent: agent },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const json = JSON.parse((await snapshot(path.join(work, dir)))['package.json']!) as { packageManager?: string };
      await removeDir(path.join(work, dir));
      return json.packageManager;
    };
    expect(await pkg('pm-a', 'pnpm/9.1.0 npm/? node/v22.15.0 linux x64', 'pnpm')).toBe('pnpm@9.1.0');
    expect(await pkg('pm-b', 'yarn/4.5.0 npm/? node/v22.15.0 linux x64', 'yarn')).toBe('yarn@4.5.0');
    // Another package manager ran it, or none: its version is unknown, so none is written.
    expect(await pkg('pm-c', 'npm/11.0.0 node/v22.15.0 linux x64', 'pnpm')).toBeUndefined();
    expect(await pkg('pm-d', '', 'pnpm')).toBeUndefined();
  });

  it('npm start -- <dir> creates the project where the user ran npm (INIT_CWD), not in the checkout', async () => {
    const r = await execa(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--yes', 'started', ...offline], {
      cwd: ROOT,
      env: { CI: 'true', NO_COLOR: '1', INIT_CWD: work },
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await snapshot(path.join(work, 'started')))['package.json']).toBeDefined();
    await expect(stat(path.join(ROOT, 'started'))).rejects.toThrow();
    await removeDir(path.join(work, 'started'));
  });

  it('names the settings OAuth needs among the next steps', async () => {
    const r = await cli(['oauth', '-y', '-t', 'http', '-f', 'auth', '--auth', 'oauth', '--json', ...offline], {
      cwd: work,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const { nextSteps } = JSON.parse(r.stdout) as { nextSteps: string[] };
    expect(nextSteps).toContainEqual(expect.stringMatching(/^set OAUTH_ISSUER and OAUTH_AUDIENCE in \.env \(required/));
    const apikey = await cli(['apikey', '-y', '-t', 'http', '-f', 'auth', '--json', ...offline], { cwd: work });
    expect((JSON.parse(apikey.stdout) as { nextSteps: string[] }).nextSteps.join('\n')).not.toMatch(/^set /m);
    await removeDir(path.join(work, 'oauth'));
    await removeDir(path.join(work, 'apikey'));
  });

  it('list --json describes every feature', async () => {
    const r = await cli(['list', '--json']);
    const data = JSON.parse(r.stdout);
    expect(data.features.map((f: { id: string }) => f.id)).toEqual(FEATURE_IDS);
    // Every option a feature declares, with its values and default, from the registry.
    for (const o of OPTIONS)
      expect(data.options[o.id]).toMatchObject({ values: o.values.map((v) => v.value), default: o.default });
    expect(data.options.transport.default).toBe('both');
  });

  it('--version and --help exit 0 with no escape codes', async () => {
    const v = await cli(['--version']);
    expect(v.exitCode).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = await cli(['--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toContain('--transport');
    expect(h.stdout).toContain('add [options] <feature...>');
    expect(h.stdout + h.stderr).not.toMatch(/\x1b\[/);
  });
});
