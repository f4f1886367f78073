import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers.js';

// STACK-NOTES: the bundle fails on Node 20; the tiny entry must say so clearly instead.
async function olderNode(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const r = await execa(candidate, ['-p', 'process.versions.node'], { reject: false });
    if (r.exitCode === 0 && Number(r.stdout.split('.')[0]) < 22) return candidate;
  }
  return undefined;
}

describe('on a Node older than 22', () => {
  it('says which Node is needed and exits 1', async (ctx) => {
    const node = await olderNode();
    if (!node) {
      console.warn('[old-node] skipped: no Node older than 22 on this machine');
      return ctx.skip();
    }
    const r = await execa(node, [BIN, 'app', '--yes'], { reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/needs Node\.js 22 or newer; this is Node\.js \d+/);
  });
});
