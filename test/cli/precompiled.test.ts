import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { render } from '../../src/engine/render.js';
import { cli, removeDir, snapshot, tempDir } from '../helpers.js';

// The built CLI renders from precompiled templates (dist/templates.mjs); src/ renders from templates/. Both must
// give the same files, byte for byte.
let work: string;
beforeAll(async () => {
  work = await tempDir('cmp-pre-');
});
afterAll(async () => {
  await removeDir(work);
});

const cases: [string, string[]][] = [
  ['all', ['-t', 'both', '-f', 'all', '--auth', 'oauth', '--store', 'redis']],
  ['none', ['-t', 'stdio', '-f', '']],
  ['some', ['-t', 'http', '-f', 'cache,metrics,tests', '--pm', 'pnpm']],
];

describe('precompiled templates', () => {
  it.each(cases)('the built CLI writes exactly what render() gives (%s)', async (id, args) => {
    const r = await cli([id, '--yes', '--no-install', '--no-git', ...args], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    const files = await snapshot(path.join(work, id));
    const manifest = JSON.parse(files['.mcp-prod.json']!) as { answers: Answers };
    const { ['.env']: _env, ['.mcp-prod.json']: _m, ...written } = files;
    expect(written).toEqual(await render(manifest.answers));
  });
});
