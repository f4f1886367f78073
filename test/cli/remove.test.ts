import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { without } from '../../src/commands/remove.js';
import { FEATURE_IDS, type FeatureId } from '../../src/features.js';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';
import { allFeatures, answers, storeMatters } from '../space.js';

// `remove` is `add` backwards: the same three-way merge towards the project without the features.
let work: string;
let seq = 0;
beforeAll(async () => {
  work = await tempDir('cmp-remove-');
});
afterAll(async () => {
  await removeDir(work);
});

const NAME = 'app';
const offline = ['--no-install', '--no-git'];

async function create(args: string[]): Promise<string> {
  const parent = path.join(work, String(seq++));
  const r = await cli([NAME, '-y', ...offline, ...args], { cwd: await mkdirp(parent) });
  expect(r.exitCode, r.stderr).toBe(0);
  return path.join(parent, NAME);
}

async function mkdirp(dir: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Every file but .env, whose secrets are random and which keeps every line by design (append-only). */
const files = async (dir: string) => {
  const { '.env': _env, ...rest } = await snapshot(dir);
  return rest;
};

describe('create(F + X) then remove X is byte-identical to create(F) on an untouched project', () => {
  it.each(FEATURE_IDS)('remove %s', async (id) => {
    const transport = allFeatures('stdio').includes(id) ? 'stdio' : 'http';
    const all = allFeatures(transport);
    const rest = all.filter((f) => f !== id);
    const options = storeMatters(answers(transport, [id]))
      ? ['--store', 'redis']
      : id === 'auth'
        ? ['--auth', 'oauth']
        : [];
    const grown = await create(['-t', transport, '-f', all.join(','), ...options]);
    const r = await cli(['remove', id, '--cwd', grown, '--no-install'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    // The other store user keeps the store; without one, the store goes back to its default, as create records.
    const keep = id !== 'auth' && storeMatters(answers(transport, rest)) ? options : [];
    const made = await create(['-t', transport, '-f', rest.join(',') || "''", ...keep].filter((a) => a !== "''"));
    expect(await files(grown)).toEqual(await files(made));
    // Twice: nothing to do.
    const again = await cli(['remove', id, '--cwd', grown, '--no-install'], { cwd: work });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`${id}: not in app, nothing to do for it.`);
    expect(await files(grown)).toEqual(await files(made));
  });
});

describe('one report', () => {
  it('create, add, add tool, remove and upgrade answer --json with the same top-level keys', async () => {
    const parent = path.join(work, String(seq++));
    const made = await cli([NAME, '-y', ...offline, '-t', 'http', '-f', 'tests', '--json'], {
      cwd: await mkdirp(parent),
    });
    const dir = path.join(parent, NAME);
    const runs = [
      made,
      await cli(['add', 'metrics', '--cwd', dir, '--no-install', '--json']),
      await cli(['add', 'metrics', '--cwd', dir, '--no-install', '--json']), // nothing to do
      await cli(['add', 'tool', 'lookup', '--yes', '--cwd', dir, '--json']),
      await cli(['remove', 'metrics', '--cwd', dir, '--no-install', '--dry-run', '--json']),
      await cli(['remove', 'metrics', '--cwd', dir, '--no-install', '--json']),
      await cli(['upgrade', '--cwd', dir, '--no-install', '--json']),
    ];
    const keys = runs.map((r) => {
      expect(r.exitCode, r.stderr).toBe(0);
      return Object.keys(JSON.parse(r.stdout)).sort();
    });
    for (const k of keys) expect(k).toEqual(keys[0]);
    expect(keys[0]).toEqual(
      expect.arrayContaining(['ok', 'command', 'files', 'conflicts', 'install', 'git', 'nextSteps']),
    );
  });
});

describe('remove', () => {
  it('keeps your edits: an edited file of the removed feature stays, named; other edits are merged', async () => {
    const dir = await create(['-t', 'http', '-f', 'cache,metrics,tests']);
    const edit = async (rel: string, f: (s: string) => string) =>
      writeFile(path.join(dir, rel), f(await readFile(path.join(dir, rel), 'utf8')));
    await edit('src/metrics.ts', (s) => `${s}\n// My own metric.\n`);
    await edit('README.md', (s) => `${s}\n## Our deployment\n\nAsk the platform team.\n`);
    const r = await cli(['remove', 'metrics', '--cwd', dir, '--no-install', '--json'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { path: string; action: string; note: string | null }[] };
    expect(report.files).toContainEqual({
      path: 'src/metrics.ts',
      action: 'keep',
      note: 'edited by you; no longer generated, kept',
    });
    const after = await snapshot(dir);
    expect(after['src/metrics.ts']).toContain('// My own metric.');
    expect(after['README.md']).toContain('Ask the platform team.');
    expect(after['test/metrics.test.ts']).toBeUndefined();
    expect(JSON.parse(after['.mcp-prod.json']!).answers.features).toEqual(['cache', 'tests']);
  });

  it('--dry-run shows what would be deleted, as a diff, and writes nothing', async () => {
    const dir = await create(['-t', 'http', '-f', 'metrics']);
    const before = await snapshot(dir);
    const r = await cli(['remove', 'metrics', '--cwd', dir, '--dry-run'], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/delete\s+src\/metrics\.ts/);
    expect(r.stdout).toContain('+++ /dev/null');
    expect(await snapshot(dir)).toEqual(before);
  });

  it.each([
    [['telepathy'], /Unknown feature: telepathy/],
    [['metrics', '--auth', 'oauth'], /unknown option '--auth'/],
    [['metrics', '--read-only'], /unknown option '--read-only'/],
  ])('remove %j exits 2 and writes nothing', async (args, message) => {
    const dir = await create(['-t', 'http', '-f', 'metrics']);
    const before = await snapshot(dir);
    const r = await cli(['remove', ...args, '--cwd', dir, '--no-install'], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses to remove a feature another one requires, naming both (exit 2)', () => {
    const requiresOf = (id: FeatureId): FeatureId[] => (id === 'metrics' ? ['health'] : []);
    const a = answers('http', ['health', 'metrics', 'cache']);
    expect(() => without(a, ['health'], requiresOf)).toThrow(/metrics requires health: health cannot be removed alone/);
    expect(() => without(a, ['health'], requiresOf)).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(without(a, ['health', 'metrics'], requiresOf).features).toEqual(['cache']);
  });
});
