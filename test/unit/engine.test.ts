import { mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { optionDefaults, type Answers } from '../../src/answers.js';
import { apply } from '../../src/engine/apply.js';
import { envFile, SECRET_PLACEHOLDER } from '../../src/engine/env.js';
import { createArgs, itemArgs } from '../../src/engine/base.js';
import { newItem } from '../../src/engine/items.js';
import { buildManifest, hash, MANIFEST, readManifest, serializeManifest } from '../../src/engine/manifest.js';
import { safeJoin } from '../../src/engine/paths.js';
import { planFiles, planProject, type Plan } from '../../src/engine/plan.js';
import { outputPath, render } from '../../src/engine/render.js';
import { FEATURE_IDS, OPTIONS } from '../../src/features.js';
import { removeDir, snapshot, tempDir, templateSyntax } from '../helpers.js';

const answers = (over: Partial<Answers> = {}): Answers => ({
  ...optionDefaults(),
  name: 'demo',
  description: 'Demo.',
  transport: 'both',
  features: [...FEATURE_IDS],
  auth: 'apikey',
  store: 'memory',
  runtime: 'node',
  pm: 'npm',
  ...over,
});

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('render', () => {
  it('is pure: the same answers give the same files', async () => {
    expect(await render(answers())).toEqual(await render(answers()));
  });
  it('renames _dotfiles and drops .hbs', () => {
    expect(outputPath('_gitignore')).toBe('.gitignore');
    expect(outputPath('_github/workflows/ci.yml')).toBe('.github/workflows/ci.yml');
    expect(outputPath('src/a_b.ts')).toBe('src/a_b.ts');
  });
  it('puts the registry dependencies into package.json, sorted', async () => {
    const pkg = JSON.parse((await render(answers({ features: ['cache'], transport: 'stdio' })))['package.json']!);
    expect(pkg.name).toBe('demo');
    expect(Object.keys(pkg.dependencies)).toEqual([...Object.keys(pkg.dependencies)].sort());
    expect(pkg.dependencies['lru-cache']).toBeDefined();
    expect(pkg.dependencies['express']).toBeUndefined();
  });
  it('leaves no template syntax in any file', async () => {
    for (const set of [
      answers(),
      answers({ features: [], transport: 'stdio' }),
      answers({ auth: 'oauth', store: 'redis' }),
    ]) {
      for (const [file, content] of Object.entries(await render(set))) {
        expect(templateSyntax(content, file), file).toBeUndefined();
      }
    }
  });
});

const plan = (root: string, theirs: Record<string, string>) => planFiles(root, { theirs });

/** A plan over files we generated before and nobody edited since (their hashes are recorded): they are updated. */
async function regenerate(root: string, theirs: Record<string, string>) {
  const recorded = Object.fromEntries(Object.entries(await snapshot(root)).map(([p, c]) => [p, hash(c)]));
  return planFiles(root, { theirs, recorded });
}

describe('plan', () => {
  it('for a new project: create, unchanged, and a conflict where a file of the user differs', async () => {
    await writeFile(path.join(dir, 'same.txt'), 'a\n');
    await writeFile(path.join(dir, 'diff.txt'), 'mine\n');
    const p = await plan(dir, { 'new.txt': 'n\n', 'same.txt': 'a\n', 'diff.txt': 'ours\n' });
    expect(p.map((e) => [e.path, e.action])).toEqual([
      ['new.txt', 'create'],
      ['same.txt', 'unchanged'],
      ['diff.txt', 'conflict'],
    ]);
  });
  it('the whole change: files, then .env from the example, then the manifest', async () => {
    const a = answers({ features: [], transport: 'stdio' });
    const theirs = await render(a);
    const target = path.join(dir, 'proj');
    const p = await planProject(target, { answers: a, theirs });
    expect(p.map((e) => e.path)).toEqual([...Object.keys(theirs), '.env', MANIFEST]);
    expect(p.every((e) => e.action === 'create')).toBe(true);
    expect(p.at(-1)!.content).toBe(serializeManifest(buildManifest(a, theirs)));
  });
  it('refuses paths outside the project', async () => {
    expect(() => safeJoin(dir, '../evil')).toThrow(/not a plain path/);
    expect(() => safeJoin(dir, '/etc/passwd')).toThrow(/not a plain path/);
    const outside = await tempDir();
    await symlink(outside, path.join(dir, 'link'));
    expect(() => safeJoin(dir, 'link/x.txt')).toThrow(/points outside/);
    await removeDir(outside);
  });
});

describe('apply', () => {
  it('writes a new project into a directory that did not exist', async () => {
    const target = path.join(dir, 'proj');
    await apply(target, await plan(target, { 'a.txt': 'A', 'src/b.ts': 'B' }));
    expect(await snapshot(target)).toEqual({ 'a.txt': 'A', 'src/b.ts': 'B' });
    expect(await snapshot(dir)).toEqual({ 'proj/a.txt': 'A', 'proj/src/b.ts': 'B' }); // no staging folder left
  });
  it('writes a conflict (with its markers) only with force, and never touches files the plan does not name', async () => {
    await writeFile(path.join(dir, 'mine.txt'), 'mine\n');
    await writeFile(path.join(dir, 'notes.txt'), 'notes\n');
    const entries = await plan(dir, { 'mine.txt': 'ours\n', 'new.txt': 'new\n' });
    expect(await apply(dir, entries)).toEqual(['new.txt']);
    expect(await snapshot(dir)).toEqual({ 'mine.txt': 'mine\n', 'new.txt': 'new\n', 'notes.txt': 'notes\n' });
    expect(await apply(dir, entries, { force: true })).toEqual(['mine.txt', 'new.txt']);
    expect((await snapshot(dir))['mine.txt']).toBe('<<<<<<< ours\nmine\n=======\nours\n>>>>>>> theirs\n');
    expect((await snapshot(dir))['notes.txt']).toBe('notes\n');
  });
  it('a failure mid-apply restores every file and leaves nothing behind', async () => {
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'keep.txt'), 'mine');
    await writeFile(path.join(dir, 'src/b.ts'), 'old b');
    const before = await snapshot(dir);
    const entries = await regenerate(dir, { 'a.txt': 'A', 'src/b.ts': 'B', 'src/new/c.ts': 'C' });
    expect(entries.map((e) => e.action)).toEqual(['create', 'update', 'create']);
    await expect(apply(dir, entries, { faultAfter: 2 })).rejects.toThrow(/Simulated I\/O failure/);
    expect(await snapshot(dir)).toEqual(before);
  });
  it('deletes what remove plans to delete, with its emptied folder, and a failure brings the files back', async () => {
    await mkdir(path.join(dir, 'src/gone'), { recursive: true });
    await writeFile(path.join(dir, 'src/gone/x.ts'), 'x');
    await writeFile(path.join(dir, 'a.txt'), 'old a');
    const before = await snapshot(dir);
    const entries: Plan = [
      { path: 'src/gone/x.ts', action: 'delete', content: '', previous: 'x' },
      { path: 'a.txt', action: 'update', content: 'A', previous: 'old a' },
    ];
    await expect(apply(dir, entries, { faultAfter: 1 })).rejects.toThrow(/Simulated I\/O failure/);
    expect(await snapshot(dir)).toEqual(before);
    await apply(dir, entries);
    expect(await snapshot(dir)).toEqual({ 'a.txt': 'A' });
    await expect(stat(path.join(dir, 'src/gone'))).rejects.toThrow();
  });
  it('Ctrl-C while writing restores every file and exits 130', async () => {
    await writeFile(path.join(dir, 'keep.txt'), 'mine');
    const before = await snapshot(dir);
    const entries = await regenerate(dir, { 'keep.txt': 'replaced', 'a.txt': 'A', 'src/b.ts': 'B' });
    const writing = apply(dir, entries);
    process.emit('SIGINT'); // what a terminal's Ctrl-C delivers; apply() holds it until it has rolled back
    const err = await writing.catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 130 });
    expect(await snapshot(dir)).toEqual(before);
  });
  it('a failure on a new project leaves no directory', async () => {
    const target = path.join(dir, 'proj');
    await expect(
      apply(target, await plan(target, { 'a.txt': 'A', 'b.txt': 'B' }), { faultAfter: 1 }),
    ).rejects.toThrow();
    expect(await snapshot(dir)).toEqual({});
  });
});

describe('manifest and .env', () => {
  it('records answers and a hash per file', () => {
    const m = buildManifest(answers(), { 'a.txt': 'A' });
    expect(m.files).toEqual({ 'a.txt': hash('A') });
    expect(m.answers.name).toBe('demo');
    expect(m.generator.name).toBe('create-mcp-prod');
  });
  it('a manifest from before an option (0.2.0: no runtime) reads with its default, and the old CLI is not given it', async () => {
    const { runtime: _, ...old } = answers({ features: ['cache', 'tests'] });
    const m = { generator: { name: 'create-mcp-prod', version: '0.2.0' }, answers: old, files: {} };
    await writeFile(path.join(dir, MANIFEST), serializeManifest(m as never));
    const read = await readManifest(dir);
    expect(read.answers).toEqual(answers({ features: ['cache', 'tests'] }));
    // In the order of a manifest `create` writes: the options after the features.
    expect(Object.keys(read.answers)).toEqual([
      'name',
      'description',
      'transport',
      'features',
      ...OPTIONS.map((o) => o.id),
      'pm',
    ]);
    expect(read.unrecorded).toEqual(['runtime']);
    const args = createArgs('base', read.answers, read.unrecorded);
    expect(args).not.toContain('--runtime');
    expect(args).toEqual(expect.arrayContaining(['--store', 'memory']));
    expect(createArgs('base', read.answers)).toEqual(expect.arrayContaining(['--runtime', 'node']));
    // A value it does not know is still refused.
    await writeFile(
      path.join(dir, MANIFEST),
      serializeManifest({ ...m, answers: { ...old, runtime: 'deno' } } as never),
    );
    await expect(readManifest(dir)).rejects.toThrow(/damaged/);
  });
  it('recorded items: checked when read, and added again, in order, to the base of an upgrade', async () => {
    const items = [
      newItem({
        kind: 'tool',
        name: 'get_forecast',
        description: 'Forecast.',
        upstream: true,
        readOnly: true,
        cache: true,
      }),
      newItem({ kind: 'resource', name: 'notes', description: 'Notes.', uri: 'notes://{id}' }),
    ];
    const m = buildManifest({ ...answers({ features: ['cache'] }), items }, {});
    await writeFile(path.join(dir, MANIFEST), serializeManifest(m));
    expect((await readManifest(dir)).answers.items).toEqual(items);
    expect(itemArgs('base', m.answers)).toEqual([
      [
        'add',
        'tool',
        'get_forecast',
        '--cwd',
        'base',
        '--description',
        'Forecast.',
        '--upstream',
        '--read-only',
        '--cache',
      ],
      ['add', 'resource', 'notes', '--cwd', 'base', '--description', 'Notes.', '--uri', 'notes://{id}'],
    ]);
    // Without the cache feature (removed since), --cache is not passed: the tool renders the same without it.
    expect(itemArgs('base', { ...m.answers, features: [] })[0]).not.toContain('--cache');
    for (const bad of [
      { ...items[0], file: '../../etc/passwd' },
      { ...items[0], kind: 'widget' },
      { ...items[0], id: '1x' },
    ]) {
      await writeFile(
        path.join(dir, MANIFEST),
        serializeManifest({ ...m, answers: { ...m.answers, items: [bad] } } as never),
      );
      await expect(readManifest(dir)).rejects.toThrow(/damaged/);
    }
  });
  it('.env gets fresh secrets for placeholders, and is append-only later', async () => {
    const example = `# keys\nMCP_API_KEYS=${SECRET_PLACEHOLDER}\nPORT=3000\n`;
    const fresh = envFile(undefined, example)!;
    expect(fresh).not.toContain(SECRET_PLACEHOLDER);
    expect(fresh).toMatch(/^MCP_API_KEYS=[A-Za-z0-9_-]{43}$/m);
    expect(envFile(undefined, example)).not.toBe(fresh);
    expect(envFile('PORT=8080\n', example)).toMatch(/^PORT=8080\nMCP_API_KEYS=[A-Za-z0-9_-]{43}\n$/);
    expect(envFile('PORT=1\nMCP_API_KEYS=x\n', example)).toBeUndefined();
    // An empty .env, or one without a final newline, gets its keys on lines of their own.
    expect(envFile('', example)).toMatch(/^MCP_API_KEYS=[A-Za-z0-9_-]{43}\nPORT=3000\n$/);
    expect(envFile('PORT=1', example)).toMatch(/^PORT=1\nMCP_API_KEYS=[A-Za-z0-9_-]{43}\n$/);
  });
});
