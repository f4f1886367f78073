import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, missingTool, ROOT, removeDir, snapshot, tempDir } from '../helpers.js';
import { callOverHttp, callOverStdio, inspector, readEnv, runIn, startHttp, startRedis, textOf } from './harness.js';

/**
 * Issues 2-4: generated projects, for a spread of feature sets (the smallest, all features, each transport, OAuth
 * and Redis), are installed by the CLI, built, type-checked, pass their own tests, and answer real MCP clients
 * (the SDK client and the MCP Inspector CLI) over HTTP and stdio. Generated files are Prettier-clean and free of
 * template debris.
 */
interface Case {
  id: string;
  args: string[];
}

const MATRIX: Case[] = [
  { id: 'smallest-stdio', args: ['-t', 'stdio', '-f', ''] },
  { id: 'smallest-http', args: ['-t', 'http', '-f', ''] },
  { id: 'all-both', args: ['-t', 'both', '-f', 'all'] },
  { id: 'recommended-stdio', args: ['-t', 'stdio', '-f', 'all'] },
  {
    id: 'oauth-redis-http',
    args: [
      '-t',
      'http',
      '-f',
      'auth,cache,breaker,ratelimit,logging,metrics,health,tracing,tests',
      '--auth',
      'oauth',
      '--store',
      'redis',
    ],
  },
];

/** The example resource and prompt every project starts with: listed, read and got by the Inspector. */
const EXAMPLES: Array<[string[], string]> = [
  [['--method', 'resources/list'], '"config://upstream"'],
  [['--method', 'resources/read', '--uri', 'config://upstream'], '\\"timeoutMs\\":10000'],
  [['--method', 'prompts/list'], '"weather_alerts"'],
  [['--method', 'prompts/get', '--prompt-name', 'weather_alerts', '--prompt-args', 'area=CA'], 'upstream_get'],
];

let work: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
const redisUrl = () => ('url' in redis ? redis.url : undefined);

beforeAll(async () => {
  work = await tempDir('cmp-e2e-');
  redis = await startRedis();
});
afterAll(async () => {
  if ('stop' in redis) await redis.stop();
  await removeDir(work);
});

const run = runIn;

describe.each(MATRIX)('generated project: $id', ({ id, args }) => {
  const dir = () => path.join(work, id);
  let manifest: { answers: { features: string[]; transport: string; auth: string; store: string } };
  let env: Record<string, string>;
  const has = (f: string) => manifest.answers.features.includes(f);
  const http = () => manifest.answers.transport !== 'stdio';
  const stdio = () => manifest.answers.transport !== 'http';

  beforeAll(async () => {
    const r = await cli([id, '--yes', '--no-git', ...args], { cwd: work, timeout: 600_000 });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Installed dependencies/);
    manifest = JSON.parse(await readFile(path.join(dir(), '.mcp-prod.json'), 'utf8'));
    env = await readEnv(path.join(dir(), '.env'));
    const url = redisUrl();
    if (manifest.answers.store === 'redis' && url) env.REDIS_URL = url;
  });

  it('builds and type-checks', async () => {
    const build = await run(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const types = await run(dir(), 'npm', ['run', 'typecheck']);
    expect(types.exitCode, types.all).toBe(0);
  });

  it('passes its own tests', async (ctx) => {
    if (!has('tests')) return ctx.skip();
    const test = await run(dir(), 'npm', ['test'], env);
    expect(test.exitCode, test.all).toBe(0);
  });

  it('passes its own tests on Node 22 too (the oldest it supports)', async (ctx) => {
    if (!has('tests') || id !== 'all-both') return ctx.skip();
    const node22 = path.join(ROOT, '.ci', '.node22', 'node_modules', '.bin');
    const version = await execa(path.join(node22, 'node'), ['-v'], { reject: false });
    if (version.exitCode !== 0 || !version.stdout.startsWith('v22.')) {
      missingTool(`no Node 22 in ${node22} (npm i --prefix .ci/.node22 node@22)`);
      return ctx.skip();
    }
    const test = await run(dir(), 'npm', ['test'], { ...env, PATH: `${node22}:${process.env.PATH}` });
    expect(test.exitCode, test.all).toBe(0);
  });

  it('is Prettier-clean and free of template debris', async () => {
    const prettier = await run(dir(), path.join(ROOT, 'node_modules', '.bin', 'prettier'), [
      '--check',
      '.',
      '--ignore-path',
      '.gitignore',
      // The project's own ignores too: Helm templates are Go templates, not YAML.
      '--ignore-path',
      '.prettierignore',
    ]);
    expect(prettier.exitCode, prettier.all).toBe(0);
    const files = await snapshot(dir());
    for (const [file, content] of Object.entries(files)) {
      if (file.startsWith('dist/') || file === 'package-lock.json') continue;
      // GitHub Actions expressions (`${{ matrix.node }}`) and Helm's Go templates are meant to be there.
      if (!/^deploy\/helm\/[^/]+\/templates\//.test(file)) {
        expect(content.replace(/\$\{\{ [\w.]+ \}\}/g, ''), file).not.toMatch(/\{\{|\}\}/);
      }
      expect(content, `${file}: blank-line runs`).not.toMatch(/\n\s*\n\s*\n/);
      expect(content, `${file}: trailing whitespace`).not.toMatch(/[ \t]+\n/);
      expect(content.endsWith('\n'), `${file}: final newline`).toBe(true);
    }
  });

  it('answers the SDK client and the Inspector over HTTP', async (ctx) => {
    if (!http()) return ctx.skip();
    if (has('auth') && manifest.answers.auth === 'oauth') return ctx.skip(); // covered with minted tokens in auth.test.ts
    const server = await startHttp(dir(), env);
    try {
      const headers: Record<string, string> = has('auth')
        ? { Authorization: `Bearer ${env.MCP_API_KEYS!.split(',')[0]}` }
        : {};
      const { era, result } = await callOverHttp(server.url, 'echo', { text: 'hello over http' }, headers);
      expect(era).toBe('modern');
      expect(textOf(result)).toContain('hello over http');

      const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
      const list = await inspector([`${server.url}/mcp`], ['--method', 'tools/list', ...headerArgs]);
      expect(list.exitCode, `${list.stdout}\n${list.stderr}`).toBe(0);
      expect(list.stdout).toContain('"echo"');
      const call = await inspector(
        [`${server.url}/mcp`],
        ['--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'text=inspected', ...headerArgs],
      );
      expect(call.exitCode, `${call.stdout}\n${call.stderr}`).toBe(0);
      expect(call.stdout).toContain('inspected');
      for (const [args, expected] of EXAMPLES) {
        const r = await inspector([`${server.url}/mcp`], [...args, ...headerArgs]);
        expect(r.exitCode, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout, args.join(' ')).toContain(expected);
      }
    } finally {
      await server.stop();
    }
  });

  it('answers the SDK client and the Inspector over stdio', async (ctx) => {
    if (!stdio()) return ctx.skip();
    const { result } = await callOverStdio(dir(), 'echo', { text: 'hello over stdio' }, env);
    expect(textOf(result)).toContain('hello over stdio');
    const list = await inspector(['node', 'dist/stdio.js'], ['--cwd', dir(), '--method', 'tools/list']);
    expect(list.exitCode, `${list.stdout}\n${list.stderr}`).toBe(0);
    expect(list.stdout).toContain('"echo"');
    const call = await inspector(
      ['node', 'dist/stdio.js'],
      ['--cwd', dir(), '--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'text=via-stdio'],
    );
    expect(call.exitCode, `${call.stdout}\n${call.stderr}`).toBe(0);
    expect(call.stdout).toContain('via-stdio');
    for (const [args, expected] of EXAMPLES) {
      const r = await inspector(['node', 'dist/stdio.js'], ['--cwd', dir(), ...args]);
      expect(r.exitCode, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).toContain(expected);
    }
  });
});
