import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';

// The built bin, spawned without a TTY and with CI=true, as scripts and CI run it (issue 2).
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
  ])('%s exits 2 and writes nothing', async (_what, args, message) => {
    const r = await cli([...args, ...offline], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(work)).toEqual({});
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
    expect(result.install).toMatchObject({ ran: false });
    expect(result.nextSteps[0]).toBe('cd jsonapp');
    await removeDir(path.join(work, 'jsonapp'));
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
    const r = await cli(['gitapp', '-y', '--no-install'], {
      cwd: work,
      env: {
        HOME: home,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: path.join(home, 'none'),
        GIT_AUTHOR_NAME: '',
        GIT_COMMITTER_NAME: '',
        EMAIL: '',
      },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Git: initialised a repository/);
    expect(await readFile(path.join(work, 'gitapp', '.git', 'HEAD'), 'utf8')).toContain('ref');
    await removeDir(path.join(work, 'gitapp'));
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

  it('list --json describes every feature', async () => {
    const r = await cli(['list', '--json']);
    const data = JSON.parse(r.stdout);
    expect(data.features.map((f: { id: string }) => f.id)).toEqual([
      'auth',
      'cache',
      'breaker',
      'ratelimit',
      'logging',
      'metrics',
      'health',
      'docker',
      'tests',
    ]);
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
