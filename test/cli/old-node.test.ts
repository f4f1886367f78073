import { execa } from 'execa';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, removeDir, tempDir } from '../helpers.js';

// The bundle needs Node >= 22 (see docs/ARCHITECTURE.md); older Nodes must get a clear message, not a TypeError.
async function olderNode(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const r = await execa(candidate, ['-p', 'process.versions.node'], { reject: false });
    if (r.exitCode === 0 && Number(r.stdout.split('.')[0]) < 22) return candidate;
  }
  return undefined;
}

let node: string | undefined;
let work: string;
beforeAll(async () => {
  node = await olderNode();
  if (!node) console.warn('[old-node] skipped: no Node older than 22 on this machine');
  work = await tempDir('cmp-oldnode-');
});
afterAll(() => removeDir(work));

/** Runs a command with the older Node (and the npm beside it) first on PATH, as a user on that Node would. */
function withOldNode(cmd: string, args: string[], cwd: string) {
  const bin = path.dirname(node!);
  return execa(cmd, args, {
    cwd,
    reject: false,
    stdin: 'ignore',
    env: { PATH: `${bin}:${process.env.PATH}` },
    timeout: 60_000,
  });
}

describe('on a Node older than 22', () => {
  it('the CLI says which Node is needed and exits 1', async (ctx) => {
    if (!node) return ctx.skip();
    const r = await execa(node, [BIN, 'app', '--yes'], { reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/needs Node\.js 22 or newer; this is Node\.js \d+/);
  });

  it("the README's first command (npm ci) stops before installing anything, naming the Node it needs", async (ctx) => {
    if (!node) return ctx.skip();
    const dir = path.join(work, 'repo');
    await execa('mkdir', ['-p', dir]);
    for (const f of ['package.json', 'package-lock.json', '.npmrc'])
      await copyFile(path.join(ROOT, f), path.join(dir, f));
    const r = await withOldNode('npm', ['ci', '--no-audit', '--no-fund'], dir);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/EBADENGINE/);
    expect(r.stderr).toMatch(/Required: \{"node":">=22"\}/);
    const ls = await execa('ls', [dir]);
    expect(ls.stdout).not.toMatch(/node_modules/);
  });

  it('npm start and npm test stop at the build with the same clear message', async (ctx) => {
    if (!node) return ctx.skip();
    const r = await withOldNode('npm', ['run', 'build'], ROOT);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/needs Node\.js 22 or newer to build; this is Node\.js 20?\d*\./);
    expect(r.stderr).toMatch(/Install Node\.js 22 or newer/);
    expect(r.stderr).not.toMatch(/TypeError/);
  });
});
