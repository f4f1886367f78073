import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKER } from '../../src/engine/merge.js';
import { GENERATOR } from '../../src/meta.js';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';
import { inspector, makeUserEdits, packedRelease, readEnv, runIn, startHttp, type PackedRelease } from './harness.js';

/**
 * A 0.2.0 project brought to today, for real. The generated server was rewritten after 0.2.0 (commit afb565e of this
 * repository): a Hono app instead of the node:http front door (src/edge.ts gone, src/json-body.ts and src/secrets.ts
 * new), a new tool pipeline, `--runtime` (a 0.2.0 manifest has none: node), the example resource and prompt. 0.2.0,
 * packed with npm pack, generates an HTTP+stdio project with every feature but tracing and docker; the user edits it
 * (a line of the echo tool changed, a paragraph added to the README, and lifecycle.test.ts's edits); the working
 * tree's `upgrade --from <that tarball>` brings it to the current templates, `add tracing docker` grows it. Both keep
 * every edit and leave no conflict marker; the project then installs, builds, passes its own tests and answers the
 * MCP Inspector over HTTP with the edited tool.
 */
const OLD_COMMIT = 'afb565e';
const OLD_VERSION = '0.2.0';

/** Every feature but the two `add` brings after the upgrade. */
const FEATURES = ['auth', 'cache', 'breaker', 'ratelimit', 'logging', 'metrics', 'health', 'tests'];
const LATER = ['tracing', 'docker'];
const ANSWERS = ['--yes', '--no-install', '--no-git', '-t', 'both', '--auth', 'apikey', '--store', 'memory'];

/** The user's edits the brief names, checked as exact strings. */
const ECHO_DESCRIPTION = {
  generated: "description: 'Returns the text it is given. Useful to check that the server answers.',",
  edited: "description: 'Returns the text it is given, unchanged. Our smoke tests call it before each deploy.',",
};
const README_PARAGRAPH =
  '\n## Deploying at ACME\n\nThe platform team deploys this server from the main branch; ask in #mcp-platform before\nchanging its settings.\n';

let work: string;
let release: PackedRelease;
let dir: string;
let skip: string | undefined;

beforeAll(async () => {
  work = await tempDir('cmp-upgrade-020-');
  const packed = await packedRelease(OLD_COMMIT, OLD_VERSION);
  if ('skip' in packed) {
    skip = packed.skip;
    return;
  }
  release = packed;
  dir = path.join(work, 'weather');
}, 600_000);

afterAll(async () => {
  await removeDir(work);
});

const read = (file: string) => readFile(path.join(dir, file), 'utf8');
const manifest = async () => JSON.parse(await read('.mcp-prod.json'));
/** lifecycle.test.ts's edits (a dependency range, a script, server.ts, echo.ts, README, .env), all still there. */
let expectEdits: (step: string) => Promise<void>;

/** The brief's two edits, exact, and every other edit; no file of the project holds a conflict marker. */
async function expectEditsKept(step: string): Promise<void> {
  expect(await read('src/tools/echo.ts'), step).toContain(`  ${ECHO_DESCRIPTION.edited}\n`);
  expect(await read('src/tools/echo.ts'), step).not.toContain(ECHO_DESCRIPTION.generated);
  expect(await read('README.md'), step).toContain(README_PARAGRAPH);
  await expectEdits(step);
  for (const [file, content] of Object.entries(await snapshot(dir))) {
    for (const marker of Object.values(MARKER))
      expect(
        content.split('\n').some((line) => line.startsWith(marker)),
        `${step}: ${marker} in ${file}`,
      ).toBe(false);
  }
}

/** The files of a project the working tree makes fresh with `features`, compared with `dir` outside `edited`. */
async function expectFreshEquals(features: string[], edited: Set<string>, step: string): Promise<void> {
  const fresh = path.join(work, `fresh-${features.length}`);
  // `--authz allow`: what a project made before the option records (its tools stay open to every caller).
  const created = await cli(
    ['fresh-' + features.length, ...ANSWERS, '--authz', 'allow', '-n', 'weather', '-f', features.join(',')],
    { cwd: work },
  );
  expect(created.exitCode, created.stderr).toBe(0);
  const now = await snapshot(dir);
  for (const [file, content] of Object.entries(await snapshot(fresh))) {
    if (edited.has(file)) continue;
    expect(now[file], `${step}: ${file}`).toBe(content);
  }
  // The same answers, but for the version of npm that ran `create`, which 0.2.0 did not record.
  const { pmVersion: _, ...want } = JSON.parse(await readFile(path.join(fresh, '.mcp-prod.json'), 'utf8')).answers;
  expect((await manifest()).answers, step).toEqual(want);
}

describe(`upgrade from ${OLD_VERSION} (before the Hono rewrite and --runtime), then add tracing and docker`, () => {
  it(`create-mcp-prod ${OLD_VERSION} generates a project, and the user edits it`, async (ctx) => {
    if (skip) ctx.skip();
    const created = await runIn(work, 'node', [release.bin, 'weather', ...ANSWERS, '-f', FEATURES.join(',')]);
    expect(created.exitCode, created.all).toBe(0);
    const m = await manifest();
    expect(m.generator.version).toBe(OLD_VERSION);
    expect(m.answers.runtime).toBeUndefined();
    expect(await read('src/edge.ts')).toContain('export');

    // A line changed in the echo tool (its description), a paragraph added to the README.
    const echo = await read('src/tools/echo.ts');
    expect(echo).toContain(ECHO_DESCRIPTION.generated);
    await writeFile(
      path.join(dir, 'src/tools/echo.ts'),
      echo.replace(ECHO_DESCRIPTION.generated, ECHO_DESCRIPTION.edited),
    );
    await writeFile(path.join(dir, 'README.md'), `${await read('README.md')}${README_PARAGRAPH}`);
    // And lifecycle.test.ts's: a range of zod, a script, a line at the end of server.ts, echo.ts, README and .env.
    expectEdits = await makeUserEdits(dir, 'zod');
  });

  it('upgrade --from the 0.2.0 tarball keeps every edit, brings every template change and records runtime node', async (ctx) => {
    if (skip) ctx.skip();
    const r = await cli(['upgrade', '--from', release.tarball, '--no-install', '--json'], { cwd: dir });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: true, from: OLD_VERSION, to: GENERATOR.version, conflicts: [] });
    // The user's description and note on echo, and the scopes the new templates give it, merged.
    expect(result.files).toContainEqual({
      path: 'src/tools/echo.ts',
      action: 'merge',
      note: 'merged with your edits',
    });
    expect(result.files).toContainEqual(expect.objectContaining({ path: 'README.md', action: 'merge' }));
    for (const created of ['src/json-body.ts', 'src/secrets.ts'])
      expect(result.files).toContainEqual({ path: created, action: 'create', note: null });
    // Nothing is deleted: the node:http front door of 0.2.0 stays, named.
    expect(result.noLongerGenerated).toEqual(['src/edge.ts']);

    await expectEditsKept('after upgrade');
    const m = await manifest();
    expect(m.generator.version).toBe(GENERATOR.version);
    expect(m.answers.runtime).toBe('node');
    // Every template change arrived: the files of a fresh project of this version are the upgraded ones wherever the
    // user did not edit; the recorded answers are the same.
    const edited = new Set([
      'package.json',
      'src/tools/echo.ts',
      'src/server.ts',
      'README.md',
      '.env',
      '.mcp-prod.json',
    ]);
    await expectFreshEquals(FEATURES, edited, 'after upgrade');
    expect(await read('src/server.ts')).toContain('export const ownedByUs = true;');

    const again = await cli(['upgrade', '--from', release.tarball, '--no-install'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to upgrade');
  });

  it(`add ${LATER.join(' ')} after the upgrade keeps every edit`, async (ctx) => {
    if (skip) ctx.skip();
    const r = await cli(['add', ...LATER, '--no-install', '--json'], { cwd: dir });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: true, added: LATER, conflicts: [] });
    for (const created of ['src/tracing.ts', 'Dockerfile'])
      expect(result.files).toContainEqual({ path: created, action: 'create', note: null });

    await expectEditsKept(`after add ${LATER.join(' ')}`);
    const m = await manifest();
    expect(m.generator.version).toBe(GENERATOR.version);
    expect(m.answers.runtime).toBe('node');
    expect(m.answers.features).toEqual(expect.arrayContaining([...FEATURES, ...LATER]));
    const edited = new Set([
      'package.json',
      'src/tools/echo.ts',
      'src/server.ts',
      'README.md',
      '.env',
      '.mcp-prod.json',
    ]);
    await expectFreshEquals([...FEATURES, ...LATER], edited, `after add ${LATER.join(' ')}`);
  });

  it('installs, builds and passes its own tests', async (ctx) => {
    if (skip) ctx.skip();
    for (const args of [['install', '--no-audit', '--no-fund'], ['run', 'build'], ['test']]) {
      const r = await runIn(dir, 'npm', args);
      expect(r.exitCode, `npm ${args.join(' ')}:\n${r.all}`).toBe(0);
      if (args[0] === 'test') expect(r.all).toContain('test/tracing.test.ts');
    }
  }, 900_000);

  it('the Inspector lists the edited echo tool over HTTP and calls it', async (ctx) => {
    if (skip) ctx.skip();
    const env = await readEnv(path.join(dir, '.env'));
    expect(env.MCP_API_KEYS, 'the API key 0.2.0 wrote into .env').toBeTruthy();
    const server = await startHttp(dir, env);
    try {
      const header = ['--header', `Authorization: Bearer ${env.MCP_API_KEYS!.split(',')[0]}`];
      const checks: Array<[string[], string]> = [
        [['--method', 'tools/list'], 'Our smoke tests call it before each deploy.'],
        [
          ['--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'text=upgraded from 0.2.0'],
          'upgraded from 0.2.0',
        ],
        // What the upgrade brought: the example resource and prompt.
        [['--method', 'resources/list'], '"config://upstream"'],
        [['--method', 'prompts/list'], '"weather_alerts"'],
      ];
      for (const [args, expected] of checks) {
        const r = await inspector([`${server.url}/mcp`], ['--transport', 'http', ...args, ...header]);
        expect(r.exitCode, `${args.join(' ')}\n${r.stdout}\n${r.stderr}\n${server.logs()}`).toBe(0);
        expect(r.stdout, args.join(' ')).toContain(expected);
      }
      // Without the key: 401, as before the upgrade.
      const refused = await inspector([`${server.url}/mcp`], ['--transport', 'http', '--method', 'tools/list']);
      expect(refused.exitCode).not.toBe(0);
    } finally {
      await server.stop();
    }
  }, 300_000);
});
