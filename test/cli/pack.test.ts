import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, removeDir, snapshot, tempDir } from '../helpers.js';

// The published package: one tarball with no runtime dependencies that works through npx.
let work: string;
let tarball: string;
beforeAll(async () => {
  work = await tempDir('cmp-pack-');
  const { stdout } = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: ROOT,
  });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info!.filename);
}, 120_000);
afterAll(async () => {
  await removeDir(work);
});

describe('npm pack', () => {
  it('has no runtime dependencies and ships the templates', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    const { stdout } = await execa('tar', ['tzf', tarball]);
    expect(stdout).toContain('package/templates/base/package.json.hbs');
    expect(stdout).toContain('package/dist/cli.mjs');
    expect(stdout).toContain('package/bin/create-mcp-prod.js');
    expect(stdout).not.toContain('package/src/');
  });

  it('scaffolds from the tarball with npx', async () => {
    const r = await execa('npx', ['--yes', `./${path.basename(tarball)}`, 'app', '--yes', '--no-install', '--no-git'], {
      cwd: work,
      reject: false,
      stdin: 'ignore',
      env: { CI: 'true', npm_config_yes: 'true' },
      timeout: 120_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const files = await snapshot(path.join(work, 'app'));
    expect(JSON.parse(files['package.json']!).name).toBe('app');
    expect(files['.mcp-prod.json']).toBeDefined();
  }, 150_000);
});
