import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '../../src/engine/manifest.js';
import { MARKER } from '../../src/engine/merge.js';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';

// `create-mcp-prod add` on real projects made by the built bin, without installs. These tests only rely on
// what every render has (package.json, .env.example, src/server.ts, README.md); which files a feature changes is
// worked out from the renders themselves, so templates can evolve without breaking them.
let work: string;
let seq = 0;
beforeAll(async () => {
  work = await tempDir('cmp-add-');
});
afterAll(async () => {
  await removeDir(work);
});

const NAME = 'app';

/** `create-mcp-prod app -y <args>` in a fresh folder; returns the project directory. */
async function create(args: string[]): Promise<string> {
  const parent = path.join(work, String(seq++));
  const r = await cli([NAME, '-y', '--no-install', '--no-git', ...args], { cwd: await mkdirp(parent) });
  expect(r.exitCode, r.stderr).toBe(0);
  return path.join(parent, NAME);
}

async function mkdirp(dir: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return dir;
}

function add(dir: string, args: string[], env: Record<string, string> = {}) {
  return cli(['add', ...args, '--no-install'], { cwd: dir, env });
}

/** A 32-byte base64url secret is the one thing create(F + X) and create(F) + add(X) may differ in. */
const masked = (tree: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(tree).map(([p, c]) => [p, p === '.env' ? c.replace(/=[\w-]{43}$/gm, '=<secret>') : c]),
  );

/** Text files the render for `to` changes relative to `from` (both present, different content). */
async function changedFiles(from: string[], to: string[]): Promise<string[]> {
  const [a, b] = [await snapshot(await create(from)), await snapshot(await create(to))];
  return Object.keys(b).filter(
    (p) =>
      a[p] !== undefined && a[p] !== b[p] && !['package.json', '.mcp-prod.json', '.env', '.env.example'].includes(p),
  );
}

describe('create(F) then add(X) is byte-identical to create(F + X) on an untouched project', () => {
  it.each([
    ['auth (apikey) to an empty feature set', ['-f', ''], ['auth'], ['-f', 'auth']],
    [
      'auth --auth oauth next to cache',
      ['-f', 'cache'],
      ['auth', '--auth', 'oauth'],
      ['-f', 'cache,auth', '--auth', 'oauth'],
    ],
    [
      'cache --store redis',
      ['-f', 'logging'],
      ['cache', '--store', 'redis'],
      ['-f', 'logging,cache', '--store', 'redis'],
    ],
    [
      'ratelimit to a project whose cache is in redis',
      ['-f', 'cache', '--store', 'redis'],
      ['ratelimit'],
      ['-f', 'cache,ratelimit', '--store', 'redis'],
    ],
    ['docker', ['-f', 'metrics'], ['docker'], ['-f', 'metrics,docker']],
    [
      'metrics and health to everything else',
      ['-f', 'auth,cache,breaker,ratelimit,logging,tracing,docker,kubernetes,tests'],
      ['metrics', 'health'],
      ['-f', 'all'],
    ],
    [
      'several features to a stdio server',
      ['-t', 'stdio', '-f', ''],
      ['cache', 'breaker', 'logging', 'tracing', 'docker', 'tests'],
      ['-t', 'stdio', '-f', 'all'],
    ],
    [
      '"all" to an http server',
      ['-t', 'http', '-f', ''],
      ['all', '--auth', 'oauth', '--store', 'redis'],
      ['-t', 'http', '-f', 'all', '--auth', 'oauth', '--store', 'redis'],
    ],
    [
      'tracing next to cache, breaker, metrics and tests (http)',
      ['-t', 'http', '-f', 'cache,breaker,metrics,tests'],
      ['tracing'],
      ['-t', 'http', '-f', 'cache,breaker,metrics,tracing,tests'],
    ],
    [
      'kubernetes to a project with health, metrics and Redis',
      ['-t', 'http', '-f', 'ratelimit,metrics,health,docker', '--store', 'redis'],
      ['kubernetes'],
      ['-t', 'http', '-f', 'ratelimit,metrics,health,docker,kubernetes', '--store', 'redis'],
    ],
    ['tracing to a bare stdio server', ['-t', 'stdio', '-f', ''], ['tracing'], ['-t', 'stdio', '-f', 'tracing']],
    ['tests with pnpm', ['-f', 'logging', '--pm', 'pnpm'], ['tests'], ['-f', 'logging,tests', '--pm', 'pnpm']],
  ])('%s', async (_what, from, addition, to) => {
    const [grown, direct] = await Promise.all([create(from), create(to)]);
    const r = await add(grown, [...addition, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(masked(await snapshot(grown))).toEqual(masked(await snapshot(direct)));
  });
});

describe('add', () => {
  it('is idempotent: the same add twice changes no byte the second time', async () => {
    const dir = await create(['-f', '']);
    expect((await add(dir, ['cache', 'docker', '--yes'])).exitCode).toBe(0);
    const once = await snapshot(dir);
    const r = await add(dir, ['cache', 'docker', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cache, docker: already in app/);
    expect(await snapshot(dir)).toEqual(once);
  });

  it('keeps every edit: a tool, server.ts, README, package.json (range and script) and .env', async () => {
    const dir = await create(['-f', '']);
    const edit = async (file: string, change: (s: string) => string) =>
      writeFile(path.join(dir, file), change(await readFile(path.join(dir, file), 'utf8')));
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    const [dep, range] = Object.entries(pkg.dependencies as Record<string, string>)[0]!;
    const myRange = `~${range.replace(/^[~^]/, '')}`;
    await edit('package.json', (s) => {
      const p = JSON.parse(s);
      p.dependencies[dep] = myRange;
      p.scripts.hello = 'echo hello';
      return `${JSON.stringify(p, null, 2)}\n`;
    });
    await edit('src/server.ts', (s) => `${s}\nexport const edited = true;\n`);
    await edit('src/tools/echo.ts', (s) => `${s}\n// My note on echo.\n`);
    await edit('README.md', (s) => `${s}\n## Our deployment\n\nAsk the platform team.\n`);
    await edit('.env', (s) => `${s}\nMY_SETTING=1\n`);

    const r = await add(dir, ['all', '--yes', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const after = await snapshot(dir);
    const out = JSON.parse(after['package.json']!);
    expect(out.dependencies[dep]).toBe(myRange);
    expect(out.scripts.hello).toBe('echo hello');
    expect(Object.keys(out.dependencies).length).toBeGreaterThan(Object.keys(pkg.dependencies).length);
    expect(after['src/server.ts']).toContain('export const edited = true;');
    expect(after['src/tools/echo.ts']).toContain('// My note on echo.');
    expect(after['README.md']).toContain('## Our deployment');
    expect(after['.env']).toContain('MY_SETTING=1\n');
    for (const [file, content] of Object.entries(after)) expect(content, file).not.toContain(MARKER.ours);
    const byPath = Object.fromEntries(result.files.map((f: { path: string; action: string }) => [f.path, f.action]));
    expect(byPath['package.json']).toBe('merge');
    expect(['keep', 'merge']).toContain(byPath['src/tools/echo.ts']);
    expect(result.conflicts).toEqual([]);
  });

  it('on a conflict writes nothing and exits 1 listing the files; --force writes git markers', async () => {
    const [file] = await changedFiles(['-f', ''], ['-f', 'all']);
    expect(file, 'some text file must differ between no features and all').toBeDefined();
    const dir = await create(['-f', '']);
    const mine = (await readFile(path.join(dir, file!), 'utf8')).replace(/^/gm, '// mine: ');
    await writeFile(path.join(dir, file!), mine);
    const before = await snapshot(dir);

    const r = await add(dir, ['all', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`Merge conflicts in`);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/Nothing was written[\s\S]*--force/);
    expect(await snapshot(dir)).toEqual(before);

    const forced = await add(dir, ['all', '--yes', '--force']);
    expect(forced.exitCode).toBe(1);
    expect(forced.stderr).toMatch(/Conflict markers were written/);
    const text = await readFile(path.join(dir, file!), 'utf8');
    expect(text).toMatch(new RegExp(`^${MARKER.ours}\\n[\\s\\S]*^${MARKER.sep}\\n[\\s\\S]*^${MARKER.theirs}$`, 'm'));
    expect(
      JSON.parse(await readFile(path.join(dir, '.mcp-prod.json'), 'utf8')).answers.features.length,
    ).toBeGreaterThan(0);
  });

  it('refuses a project made by other templates (an earlier version), naming upgrade, and writes nothing', async () => {
    const dir = await create(['-f', '']);
    const file = 'src/tools/echo.ts';
    // What an earlier version generated: other template output, recorded in the manifest as generated.
    const older = `// ${file} as an earlier version generated it\n`;
    await writeFile(path.join(dir, file), older);
    const manifestFile = path.join(dir, '.mcp-prod.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.generator.version = '0.1.0';
    manifest.files[file] = hash(older);
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const before = await snapshot(dir);

    const r = await add(dir, ['all', '--yes', '--json']);
    expect(r.exitCode).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error.message).toContain(`made by create-mcp-prod 0.1.0, whose templates differ from this one's`);
    expect(error.details.stale).toEqual([file]);
    expect(error.hint).toMatch(/npx create-mcp-prod upgrade$/);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('an I/O failure mid-apply leaves the project byte-identical', async () => {
    const dir = await create(['-f', '']);
    await writeFile(
      path.join(dir, 'src/server.ts'),
      `${await readFile(path.join(dir, 'src/server.ts'), 'utf8')}// edited\n`,
    );
    const before = await snapshot(dir);
    const r = await add(dir, ['all', '--yes'], { CREATE_MCP_PROD_FAULT_AFTER: '2' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Simulated I\/O failure/);
    expect(await snapshot(dir)).toEqual(before);
    expect(await snapshot(path.dirname(dir))).toEqual(
      Object.fromEntries(Object.entries(before).map(([p, c]) => [`${NAME}/${p}`, c])),
    );
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const dir = await create(['-f', '']);
    const before = await snapshot(dir);
    const r = await add(dir, ['cache', 'docker', '--yes', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^--- a\/package\.json$/m);
    expect(r.stdout).toMatch(/^\+\+\+ b\/package\.json$/m);
    expect(r.stdout).toMatch(/^\+ {4}"lru-cache": /m);
    expect(r.stdout).toMatch(/^--- \/dev\/null\n\+\+\+ b\/Dockerfile$/m);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('--json reports each file as { path, action, note } with the plan actions', async () => {
    const dir = await create(['-f', '']);
    await writeFile(path.join(dir, 'src/tools/echo.ts'), '// all mine\n');
    const r = await add(dir, ['docker', 'cache', '--store', 'memory', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      ok: true,
      command: 'add',
      added: ['cache', 'docker'],
      alreadyPresent: [],
      answers: { features: ['cache', 'docker'] },
    });
    const byPath = Object.fromEntries(result.files.map((f: { path: string; action: string }) => [f.path, f.action]));
    expect(byPath['Dockerfile']).toBe('create');
    expect(byPath['package.json']).toBe('update');
    expect(byPath['src/tools/echo.ts']).toBe('keep');
    expect(byPath['.mcp-prod.json']).toBe('update');
    for (const f of result.files) {
      expect(Object.keys(f).sort()).toEqual(['action', 'note', 'path']);
      expect(['create', 'update', 'merge', 'keep', 'conflict', 'unchanged']).toContain(f.action);
    }
  });

  it('a file you deleted stays deleted, saying so, even when the new features change it', async () => {
    const dir = await create(['-f', '']);
    const changed = new Set(await changedFiles(['-f', ''], ['-f', 'docker']));
    const untouchedByDocker = Object.keys(await snapshot(dir)).find((p) => p.startsWith('src/') && !changed.has(p))!;
    await rm(path.join(dir, untouchedByDocker));
    const r = await add(dir, ['docker', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const entry = JSON.parse(r.stdout).files.find((f: { path: string }) => f.path === untouchedByDocker);
    expect(entry).toMatchObject({ action: 'keep', note: expect.stringMatching(/deleted by you; stays deleted/) });
    expect((await snapshot(dir))[untouchedByDocker]).toBeUndefined();

    // The example tool removed as a user does (file and registration): `cache` changes the file, and it still
    // stays away rather than coming back unregistered.
    await rm(path.join(dir, 'src/tools/upstream-get.ts'));
    const index = path.join(dir, 'src/tools/index.ts');
    const registered = (await readFile(index, 'utf8'))
      .replace("import { upstreamGet } from './upstream-get.js';\n", '')
      .replace('  upstreamGet,\n', '');
    expect(registered).not.toContain('upstreamGet');
    await writeFile(index, registered);
    const again = await add(dir, ['cache', '--yes']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /keep\s+src\/tools\/upstream-get\.ts\s+\(deleted by you; stays deleted \(the new features change it; not applied\)\)/,
    );
    const after = await snapshot(dir);
    expect(after['src/tools/upstream-get.ts']).toBeUndefined();
    expect(after['src/tools/index.ts']).toBe(registered);
  });

  it('without a manifest exits 2 and says what add needs', async () => {
    const dir = await mkdirp(path.join(work, 'plain'));
    await writeFile(path.join(dir, 'package.json'), '{"name":"plain"}\n');
    const r = await cli(['add', 'cache', '--cwd', dir, '--no-install']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/has no \.mcp-prod\.json[\s\S]*made by create-mcp-prod/);
    expect(await snapshot(dir)).toEqual({ 'package.json': '{"name":"plain"}\n' });
  });

  it('a --cwd that does not exist is named as such', async () => {
    const r = await cli(['add', 'cache', '--cwd', path.join(work, 'nowhere'), '--no-install']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/nowhere does not exist\.[\s\S]*--cwd/);
    expect(r.stderr).not.toContain('.mcp-prod.json');
  });

  it('refuses a project made by a newer create-mcp-prod (exit 2), naming both versions, and writes nothing', async () => {
    const dir = await create(['-t', 'http', '-f', 'tests']);
    const file = path.join(dir, '.mcp-prod.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    const ours = manifest.generator.version as string;
    manifest.generator.version = '99.0.0';
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
    const before = await snapshot(dir);
    const r = await add(dir, ['cache', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`made by create-mcp-prod 99.0.0, newer than this one (${ours})`);
    expect(r.stderr).toContain('npx create-mcp-prod@99.0.0');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('without --store and without a terminal, uses the store the project recorded', async () => {
    const dir = await create(['-t', 'http', '-f', 'logging']);
    const r = await cli(['add', 'cache', '--cwd', dir, '--no-install', '--json'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).answers.store).toBe('memory');
  });

  it.each([
    [['tool', 'x', '--auth', 'oauth'], /--auth does not apply to `add tool`: it answers for the auth feature/],
    [['tool', 'x', '--store', 'redis'], /--store does not apply to `add tool`: it answers for the cache and ratelimit/],
    [['tool', 'x', '--uri', 'x://y'], /--uri does not apply to `add tool`[\s\S]*a flag of `add resource`/],
    [['tool', 'x', '--no-install'], /--no-install does not apply to `add tool`: nothing is installed/],
    [['tool', 'x', '--pm', 'pnpm'], /--pm does not apply to `add tool`/],
    [['resource', 'r', '--read-only'], /--read-only does not apply to `add resource`/],
    [['prompt', 'p', '--upstream'], /--upstream does not apply to `add prompt`/],
    [['health', '--read-only'], /--read-only does not apply to `add`[\s\S]*a flag of `add tool`/],
    [['health', '--description', 'x'], /--description does not apply to `add`/],
    [['cache', '--cache'], /--cache does not apply to `add`/],
  ])('a flag that does not apply: add %j exits 2 and writes nothing', async (args, message) => {
    const dir = await create(['-t', 'http', '-f', 'cache,tests']);
    const before = await snapshot(dir);
    for (const json of [false, true]) {
      const r = await cli(['add', ...args, '--cwd', dir, ...(json ? ['--json'] : [])], { cwd: work });
      expect(r.exitCode, r.stderr).toBe(2);
      if (json) {
        const { error } = JSON.parse(r.stdout) as { error: { message: string; hint: string } };
        expect(`${error.message}\n${error.hint}`).toMatch(message);
      } else expect(r.stderr).toMatch(message);
    }
    expect(await snapshot(dir)).toEqual(before);
  });

  it('a conflicting dry run says to run with --force instead of --dry-run', async () => {
    const [file] = await changedFiles(['-f', ''], ['-f', 'all']);
    const dir = await create(['-f', '']);
    await writeFile(path.join(dir, file!), (await readFile(path.join(dir, file!), 'utf8')).replace(/^/gm, '// mine: '));
    const r = await add(dir, ['all', '--yes', '--dry-run']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Run it with --force instead of --dry-run');
    expect(r.stderr).not.toContain('Run again with --dry-run');
  });

  it.each([
    ['an unknown feature', ['telepathy'], /Unknown feature: telepathy[\s\S]*auth, cache, breaker/],
    ['a misspelt feature', ['cahce', '--yes'], /Unknown feature: cahce\. Did you mean "cache"\?/],
    ['an HTTP-only feature on a stdio project', ['metrics'], /metrics serves HTTP, and app is a stdio-only server/],
    ['--auth without the auth feature', ['cache', '--yes', '--auth', 'oauth'], /--auth answers for the auth feature/],
    ['a bad --store value', ['cache', '--store', 'mongo'], /Invalid store "mongo"[\s\S]*memory, redis/],
  ])('%s exits 2 and writes nothing', async (_what, args, message) => {
    const dir = await create(['-t', 'stdio', '-f', '']);
    const before = await snapshot(dir);
    const r = await cli(['add', ...args, '--cwd', dir, '--no-install'], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('add tool|resource|prompt: one more item in the answers, through the same plan', () => {
  const edit = async (dir: string, rel: string, f: (s: string) => string) =>
    writeFile(path.join(dir, rel), f(await readFile(path.join(dir, rel), 'utf8')));

  it('writes the item files, lists them in the index with your edits, and records them', async () => {
    const dir = await create(['-t', 'http', '-f', 'cache,tests']);
    // A tool of the user's, listed by hand, and a comment of theirs in the index.
    await writeFile(path.join(dir, 'src/tools/mine.ts'), "export { echo as mine } from './echo.js';\n");
    await edit(dir, 'src/tools/index.ts', (s) =>
      `// Our tools.\n${s}`
        .replace("import { upstreamGet } from './upstream-get.js';\n", "$&import { mine } from './mine.js';\n")
        .replace('  upstreamGet,\n', '$&  mine,\n'),
    );
    const before = await snapshot(dir);

    const dry = await cli(
      ['add', 'tool', 'get_forecast', '--upstream', '--cache', '--read-only', '--yes', '--dry-run'],
      {
        cwd: dir,
      },
    );
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/merge\s+src\/tools\/index\.ts/);
    expect(dry.stdout).toContain('+  getForecast,');
    expect(await snapshot(dir)).toEqual(before);

    const r = await cli(['add', 'tool', 'get_forecast', '--upstream', '--cache', '--read-only', '--yes', '--json'], {
      cwd: dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const actions = Object.fromEntries(report.files.map((f: { path: string; action: string }) => [f.path, f.action]));
    expect(actions).toMatchObject({
      'src/tools/get-forecast.ts': 'create',
      'test/tools/get-forecast.test.ts': 'create',
      'src/tools/index.ts': 'merge',
      '.mcp-prod.json': 'update',
    });
    expect(report.item).toMatchObject({ kind: 'tool', name: 'get_forecast' });
    for (const args of [
      ['resource', 'notes', '--uri', 'notes://{id}', '--yes'],
      ['prompt', 'summarize', '--yes'],
      ['tool', 'second', '--yes'],
    ]) {
      const added = await cli(['add', ...args], { cwd: dir });
      expect(added.exitCode, added.stderr).toBe(0);
    }
    const index = await readFile(path.join(dir, 'src/tools/index.ts'), 'utf8');
    expect(index).toMatch(/^\/\/ Our tools\.\n/);
    expect(index).toContain(
      "import { mine } from './mine.js';\nimport { getForecast } from './get-forecast.js';\nimport { second } from './second.js';\n",
    );
    expect(index).toContain('  upstreamGet,\n  mine,\n  fetchUrl,\n  getForecast,\n  second,\n');
    expect(await readFile(path.join(dir, 'src/tools/get-forecast.ts'), 'utf8')).toMatch(/^ {2}cache: true,$/m);
    expect(await readFile(path.join(dir, 'src/resources/index.ts'), 'utf8')).toContain('  notes,\n');
    const manifest = JSON.parse(await readFile(path.join(dir, '.mcp-prod.json'), 'utf8'));
    expect(manifest.answers.items.map((i: { name: string }) => i.name)).toEqual([
      'get_forecast',
      'notes',
      'summarize',
      'second',
    ]);
    expect(manifest.files['src/prompts/summarize.ts']).toBeDefined();

    // Taken names: exit 2, nothing written.
    const taken = await snapshot(dir);
    for (const args of [
      ['tool', 'second'],
      ['tool', 'mine'],
      ['tool', 'echo'],
      ['prompt', 'summarize'],
    ]) {
      const again = await cli(['add', ...args, '--yes'], { cwd: dir });
      expect(again.exitCode, args.join(' ')).toBe(2);
    }
    expect(await snapshot(dir)).toEqual(taken);

    // A later feature keeps the items: add and remove re-render them like any file.
    const metrics = await add(dir, ['metrics', '--yes']);
    expect(metrics.exitCode, metrics.stderr).toBe(0);
    const removed = await cli(['remove', 'tests', '--no-install'], { cwd: dir });
    expect(removed.exitCode, removed.stderr).toBe(0);
    const after = await snapshot(dir);
    expect(after['test/tools/get-forecast.test.ts']).toBeUndefined();
    expect(after['src/tools/get-forecast.ts']).toBeDefined();
    expect(after['src/tools/index.ts']).toBe(index);
  });

  it('--scopes writes the scopes into the definition and records them; a malformed scope is exit 2, nothing written', async () => {
    const dir = await create(['-t', 'http', '-f', 'auth']);
    const before = await snapshot(dir);
    for (const scopes of ['notes read', 'a,*', 'x;y', 'say"hi"']) {
      const bad = await cli(['add', 'tool', 'notes_write', '--scopes', scopes, '--yes'], { cwd: dir });
      expect(bad.exitCode, scopes).toBe(2);
      expect(bad.stderr).toContain('--scopes');
    }
    expect(await snapshot(dir)).toEqual(before);

    for (const kind of ['tool', 'resource', 'prompt']) {
      const r = await cli(['add', kind, `notes_${kind}`, '--scopes', 'notes:write, notes:read', '--yes'], { cwd: dir });
      expect(r.exitCode, r.stderr).toBe(0);
    }
    for (const file of ['src/tools/notes-tool.ts', 'src/resources/notes-resource.ts', 'src/prompts/notes-prompt.ts']) {
      expect(await readFile(path.join(dir, file), 'utf8')).toContain("  scopes: ['notes:write', 'notes:read'],\n");
    }
    const manifest = JSON.parse(await readFile(path.join(dir, '.mcp-prod.json'), 'utf8'));
    expect(manifest.answers.items.map((i: { scopes?: string[] }) => i.scopes)).toEqual([
      ['notes:write', 'notes:read'],
      ['notes:write', 'notes:read'],
      ['notes:write', 'notes:read'],
    ]);
  });

  it('an edit of the same lines of the index is a conflict: nothing written; --force writes markers, exit 1', async () => {
    const dir = await create(['-t', 'http', '-f', '']);
    await edit(dir, 'src/tools/index.ts', (s) => s.replace(/ {2}\/\/ One entry per line.*\n/, '  // Ours.\n'));
    const before = await snapshot(dir);
    const r = await cli(['add', 'tool', 'lookup', '--yes'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('src/tools/index.ts');
    expect(await snapshot(dir)).toEqual(before);
    const forced = await cli(['add', 'tool', 'lookup', '--yes', '--force'], { cwd: dir });
    expect(forced.exitCode).toBe(1);
    const index = await readFile(path.join(dir, 'src/tools/index.ts'), 'utf8');
    expect(index).toContain(MARKER.ours);
    expect(index).toContain('  // Ours.');
    expect(await readFile(path.join(dir, 'src/tools/lookup.ts'), 'utf8')).toContain("name: 'lookup'");
  });
});
