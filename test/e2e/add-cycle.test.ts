import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKER } from '../../src/engine/merge.js';
import { FEATURE_IDS } from '../../src/features.js';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';
import { inspector, makeUserEdits, readEnv, runIn, startHttp, USER_EDITS } from './harness.js';

/**
 * The full cycle as a user lives it: create the smallest project, make it your own (a tool, server.ts, the
 * README, package.json and .env), then `add` every feature in turn. Each step keeps every edit; at the end the
 * project installs once, builds, passes its own tests and answers the MCP Inspector over stdio and HTTP.
 */
const STEPS: string[][] = [
  ['auth', '--auth', 'apikey'],
  ['cache', '--store', 'memory'],
  ['breaker'],
  ['ratelimit'],
  ['logging'],
  ['metrics'],
  ['health'],
  ['tracing'],
  ['docker'],
  ['kubernetes'],
  ['tests'],
];

let work: string;
let dir: string;
beforeAll(async () => {
  work = await tempDir('cmp-add-e2e-');
  dir = path.join(work, 'grown');
});
afterAll(async () => {
  await removeDir(work);
});

const run = (cmd: string, args: string[], env: Record<string, string> = {}) => runIn(dir, cmd, args, env);

const read = (file: string) => readFile(path.join(dir, file), 'utf8');

describe('create, edit, then add every feature in turn', () => {
  it('keeps every edit through each add', async () => {
    const created = await cli(['grown', '--yes', '--no-install', '--no-git', '-t', 'both', '-f', ''], { cwd: work });
    expect(created.exitCode, created.stderr).toBe(0);

    const [dep] = Object.keys(JSON.parse(await read('package.json')).dependencies);
    const expectEdits = await makeUserEdits(dir, dep!);

    for (const step of STEPS) {
      const r = await cli(['add', ...step, '--no-install', '--json'], { cwd: dir });
      expect(r.exitCode, `add ${step.join(' ')}:\n${r.stdout}\n${r.stderr}`).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.added).toContain(step[0]);
      expect(result.conflicts).toEqual([]);
      await expectEdits(`after add ${step[0]}`);
    }

    const manifest = JSON.parse(await read('.mcp-prod.json'));
    expect(manifest.answers.features).toEqual([...FEATURE_IDS]);
    for (const [file, content] of Object.entries(await snapshot(dir))) expect(content, file).not.toContain(MARKER.ours);

    // A second round changes nothing.
    const before = await snapshot(dir);
    for (const step of STEPS) expect((await cli(['add', ...step, '--no-install'], { cwd: dir })).exitCode).toBe(0);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('installs, builds, passes its own tests and runs the user script', async () => {
    const install = await run('npm', ['install', '--no-audit', '--no-fund']);
    expect(install.exitCode, install.all).toBe(0);
    const build = await run('npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const test = await run('npm', ['test']);
    expect(test.exitCode, test.all).toBe(0);
    const hello = await run('npm', ['run', '--silent', USER_EDITS.script[0]]);
    expect(hello.stdout).toContain('hello from a user script');
  });

  it('answers the MCP Inspector over stdio and HTTP', async () => {
    const list = await inspector(['node', 'dist/stdio.js'], ['--cwd', dir, '--method', 'tools/list']);
    expect(list.exitCode, `${list.stdout}\n${list.stderr}`).toBe(0);
    expect(list.stdout).toContain('"echo"');

    const env = await readEnv(path.join(dir, '.env'));
    const server = await startHttp(dir, env);
    try {
      // With API-key auth the key is the one `add auth` wrote into .env; without it the server answers 401.
      const header = env.MCP_API_KEYS ? ['--header', `Authorization: Bearer ${env.MCP_API_KEYS.split(',')[0]}`] : [];
      const http = await inspector([`${server.url}/mcp`], ['--method', 'tools/list', ...header]);
      expect(http.exitCode, `${http.stdout}\n${http.stderr}\n${server.logs()}`).toBe(0);
      expect(http.stdout).toContain('"echo"');
    } finally {
      await server.stop();
    }
  });
});
