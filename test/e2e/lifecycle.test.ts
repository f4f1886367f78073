import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKER } from '../../src/engine/merge.js';
import { GENERATOR } from '../../src/meta.js';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';
import { freePort, inspector, makeUserEdits, packedRelease, readEnv, runIn, startHttp, USER_EDITS } from './harness.js';

/**
 * The life of a project, for real: 0.1.0 (the release before templates carried tools, resources and prompts, commit
 * e165e94 of this repository, packed with npm pack) generates a project; the user edits it; the working tree's
 * `upgrade --from <that tarball>` brings it to the current templates; then `add tool|resource|prompt` grows it. It
 * installs, builds, passes its own tests, answers the MCP Inspector over HTTP and stdio, and passes the official
 * conformance `caching` scenario.
 */
const OLD_COMMIT = 'e165e94';
const OLD_VERSION = '0.1.0';

let work: string;
let tarball: string;
let oldBin: string;
/** The old version's checkout, built (npm pack ran its prepack build): `upgrade --from <directory>`. */
let oldDir: string;
let dir: string;
let skip: string | undefined;

beforeAll(async () => {
  work = await tempDir('cmp-lifecycle-');
  // The old version's sources from git history, built and packed as a release would be (cached).
  const old = await packedRelease(OLD_COMMIT, OLD_VERSION);
  if ('skip' in old) {
    skip = old.skip;
    return;
  }
  ({ tarball, bin: oldBin, dir: oldDir } = old);
  dir = path.join(work, 'weather');
}, 600_000);

afterAll(async () => {
  await removeDir(work);
});

const read = (file: string) => readFile(path.join(dir, file), 'utf8');
/** Checks that the user's edits (made in the first test) are all still there. */
let expectEdits: (step: string) => Promise<void>;
/** The answers of the project the old version makes, and of the fresh one it is compared with. */
const ANSWERS = ['--yes', '--no-install', '--no-git', '-t', 'both', '-f', 'cache,logging,metrics,health,tests'];

describe(`upgrade from ${OLD_VERSION}, then add a tool, a resource and a prompt`, () => {
  it(`create-mcp-prod ${OLD_VERSION} generates a project, and the user edits it`, async (ctx) => {
    if (skip) ctx.skip();
    const created = await runIn(work, 'node', [oldBin, 'weather', ...ANSWERS]);
    expect(created.exitCode, created.all).toBe(0);
    expect(JSON.parse(await read('.mcp-prod.json')).generator.version).toBe(OLD_VERSION);

    expectEdits = await makeUserEdits(dir, 'zod');
  });

  it('a conflicting edit: upgrade writes nothing and exits 1; --force writes markers and exits 1', async (ctx) => {
    if (skip) ctx.skip();
    const copy = path.join(work, 'conflicting');
    await cp(dir, copy, { recursive: true });
    const file = path.join(copy, 'src/tools/upstream-get.ts');
    // The lines 0.2.0 rewrites (upstream_get returns structured content now), edited by the user too.
    const text = await readFile(file, 'utf8');
    expect(text).toContain('return textResult(text);');
    await writeFile(file, text.replace('return textResult(text);', 'return textResult(text.trim());'));
    const before = await snapshot(copy);

    const r = await cli(['upgrade', '--from', tarball, '--no-install', '--json'], { cwd: copy });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toContain('src/tools/upstream-get.ts');
    expect(await snapshot(copy)).toEqual(before);

    const forced = await cli(['upgrade', '--from', tarball, '--no-install', '--force'], { cwd: copy });
    expect(forced.exitCode).toBe(1);
    expect(await readFile(file, 'utf8')).toContain(MARKER.ours);
    expect(JSON.parse(await readFile(path.join(copy, '.mcp-prod.json'), 'utf8')).generator.version).toBe(
      GENERATOR.version,
    );
  });

  it('upgrade --dry-run shows the plan and writes nothing', async (ctx) => {
    if (skip) ctx.skip();
    const before = await snapshot(dir);
    const r = await cli(['upgrade', '--from', tarball, '--dry-run', '--json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ dryRun: true, from: OLD_VERSION, to: GENERATOR.version, conflicts: [] });
    expect(plan.files).toContainEqual({ path: 'src/resource.ts', action: 'create', note: null });
    expect(await snapshot(dir)).toEqual(before);
  });

  it('upgrade keeps every edit and brings every template change', async (ctx) => {
    if (skip) ctx.skip();
    // The same edited project, upgraded from the old version's built directory instead of its tarball.
    const viaDir = path.join(work, 'via-directory');
    await cp(dir, viaDir, { recursive: true });
    const r = await cli(['upgrade', '--from', tarball, '--no-install', '--json'], { cwd: dir });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: true, from: OLD_VERSION, to: GENERATOR.version, conflicts: [] });
    // The user's note on echo and the scopes the new templates give it, merged.
    expect(result.files).toContainEqual({
      path: 'src/tools/echo.ts',
      action: 'merge',
      note: 'merged with your edits',
    });

    // --from <directory>: the same plan and the same files, byte for byte, as --from <tarball>.
    const d = await cli(['upgrade', '--from', oldDir, '--no-install', '--json'], { cwd: viaDir });
    expect(d.exitCode, `${d.stdout}\n${d.stderr}`).toBe(0);
    const byDir = JSON.parse(d.stdout);
    expect(byDir.base).toBe(oldDir);
    expect(result.base).toBe(tarball);
    const { base: _b1, directory: _d1, ...planByDir } = byDir;
    const { base: _b2, directory: _d2, ...planByTarball } = result;
    expect(planByDir).toEqual(planByTarball);
    expect(await snapshot(viaDir)).toEqual(await snapshot(dir));

    // Every edit survives.
    await expectEdits('after upgrade');

    // Every template change arrives: the files of a fresh project of this version, for the same answers, are
    // equal to the upgraded ones wherever the user did not edit.
    const fresh = path.join(work, 'fresh');
    const created = await cli(['fresh', ...ANSWERS, '-n', 'weather'], { cwd: work });
    expect(created.exitCode, created.stderr).toBe(0);
    const now = await snapshot(dir);
    const edited = new Set([
      'package.json',
      'src/tools/echo.ts',
      'src/server.ts',
      'README.md',
      '.env',
      '.mcp-prod.json',
    ]);
    for (const [file, content] of Object.entries(await snapshot(fresh))) {
      if (edited.has(file)) continue;
      expect(now[file], file).toBe(content);
    }
    // The edited files have both: the user's lines and the new template's.
    expect(await read('src/server.ts')).toContain('registerResources(server, request, visible);');
    expect(JSON.parse(await read('.mcp-prod.json')).generator.version).toBe(GENERATOR.version);

    // A second upgrade has nothing to do.
    const again = await cli(['upgrade', '--from', tarball, '--no-install'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('nothing to upgrade');
  });

  it('add tool weather (plain, and with the upstream and the cache), add resource, add prompt', async (ctx) => {
    if (skip) ctx.skip();
    const index = await read('src/tools/index.ts');
    for (const args of [
      ['tool', 'weather', '--description', 'Current weather for a city.', '--read-only'],
      ['tool', 'forecast', '--description', 'Forecast from the upstream.', '--upstream', '--cache', '--read-only'],
      ['resource', 'settings', '--description', 'The server settings.'],
      ['resource', 'city', '--uri', 'weather://city/{city}', '--description', 'One city.'],
      ['prompt', 'summarize', '--description', 'Summarize a text.'],
    ]) {
      const r = await cli(['add', ...args], { cwd: dir });
      expect(r.exitCode, `add ${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(await read('src/tools/index.ts')).toBe(
      index
        .replace(
          "import { upstreamGet } from './upstream-get.js';\n",
          "import { upstreamGet } from './upstream-get.js';\nimport { weather } from './weather.js';\nimport { forecast } from './forecast.js';\n",
        )
        .replace('  fetchUrl,\n', '  fetchUrl,\n  weather,\n  forecast,\n'),
    );
    expect(await read('src/tools/forecast.ts')).toMatch(/^ {2}cache: true,$/m);

    // A taken or invalid name: exit 2, nothing written.
    const before = await snapshot(dir);
    for (const args of [
      ['tool', 'weather', '--yes'],
      ['tool', 'Bad Name', '--yes'],
      ['prompt', 'summarize', '--yes'],
      ['tool', 'x', '--cache', '--yes'],
    ]) {
      const r = await cli(['add', ...args], { cwd: dir });
      expect(r.exitCode, args.join(' ')).toBe(2);
    }
    expect(await snapshot(dir)).toEqual(before);
  });

  it('installs, builds and passes its own tests, the generated items included', async (ctx) => {
    if (skip) ctx.skip();
    for (const args of [['install', '--no-audit', '--no-fund'], ['run', 'build'], ['test']]) {
      const r = await runIn(dir, 'npm', args);
      expect(r.exitCode, `npm ${args.join(' ')}:\n${r.all}`).toBe(0);
      if (args[0] === 'test') {
        for (const file of [
          'tools/weather',
          'tools/forecast',
          'resources/settings',
          'resources/city',
          'prompts/summarize',
        ])
          expect(r.all).toContain(`test/${file}.test.ts`);
      }
    }
    const hello = await runIn(dir, 'npm', ['run', '--silent', USER_EDITS.script[0]]);
    expect(hello.stdout).toContain('hello from a user script');
  }, 600_000);

  it('the Inspector lists and calls them over HTTP and stdio', async (ctx) => {
    if (skip) ctx.skip();
    const env = await readEnv(path.join(dir, '.env'));
    const server = await startHttp(dir, env);
    try {
      const checks: Array<[string[], string]> = [
        [['--method', 'tools/list'], '"weather"'],
        [
          ['--method', 'tools/call', '--tool-name', 'weather', '--tool-arg', 'query=Paris'],
          '"answer": "weather: Paris"',
        ],
        [['--method', 'resources/list'], '"weather://settings"'],
        [['--method', 'resources/templates/list'], '"weather://city/{city}"'],
        [['--method', 'resources/read', '--uri', 'weather://city/lyon'], '{\\"city\\":\\"lyon\\"}'],
        [['--method', 'prompts/list'], '"summarize"'],
        [['--method', 'prompts/get', '--prompt-name', 'summarize', '--prompt-args', 'text=hello'], 'hello'],
      ];
      for (const [args, expected] of checks) {
        const http = await inspector([`${server.url}/mcp`], ['--transport', 'http', ...args]);
        expect(http.exitCode, `${args.join(' ')}\n${http.stdout}\n${http.stderr}\n${server.logs()}`).toBe(0);
        expect(http.stdout, args.join(' ')).toContain(expected);
        const stdio = await inspector(['node', 'dist/stdio.js'], args, { cwd: dir });
        expect(stdio.exitCode, `${args.join(' ')}\n${stdio.stdout}\n${stdio.stderr}`).toBe(0);
        expect(stdio.stdout, args.join(' ')).toContain(expected);
      }
      // Per-method metrics: the resource read and the prompt get are counted like tool calls.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/mcp_calls_total\{method="resources\/read",name="city",outcome="ok"\} [1-9]/);
      expect(metrics).toMatch(/mcp_calls_total\{method="prompts\/get",name="summarize",outcome="ok"\} [1-9]/);
    } finally {
      await server.stop();
    }
  }, 300_000);

  it('passes the official conformance caching scenario', async (ctx) => {
    if (skip) ctx.skip();
    const env = await readEnv(path.join(dir, '.env'));
    const server = await startHttp(dir, env, await freePort());
    try {
      const r = await runIn(work, 'npx', [
        '--yes',
        '@modelcontextprotocol/conformance@0.2.0-alpha.12',
        'server',
        '--url',
        `${server.url}/mcp`,
        '--scenario',
        'caching',
      ]);
      expect(r.all).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      for (const id of ['tools-list', 'prompts-list', 'resources-list', 'resources-templates-list', 'resources-read'])
        expect(r.all).toMatch(new RegExp(`sep-2549-${id}-caching-hints\\s*\\] \\S*SUCCESS`));
    } finally {
      await server.stop();
    }
  }, 300_000);
});
