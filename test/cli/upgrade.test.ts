import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATOR } from '../../src/meta.js';
import { BIN, cli, removeDir, snapshot, tempDir } from '../helpers.js';

/**
 * `upgrade` through the built bin, without a TTY. The real 0.1.0 (built from this repository's history) is exercised
 * by test/e2e/lifecycle.test.ts; here an earlier version is stood in for by a directory whose bin runs the CLI under
 * test, reports another version and writes one line of two templates differently, so that the base, the new render
 * and the user's files differ in known ways within a second.
 */
const OLD = '0.1.9';
const OLD_ECHO = "  description: 'Returns the text it is given.',";
const NEW_ECHO = "  description: 'Returns the text it is given. Useful to check that the server answers.',";
const ARGS = ['--yes', '--no-install', '--no-git', '-t', 'http', '-f', 'tests'];

/** A directory laid out as a built create-mcp-prod (bin/create-mcp-prod.js and dist/) that plays version `version`. */
async function standIn(dir: string, version: string): Promise<string> {
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await mkdir(path.join(dir, 'dist'), { recursive: true });
  await writeFile(
    path.join(dir, 'bin', 'create-mcp-prod.js'),
    `import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const args = process.argv.slice(2);
if (args[0] === '--version') {
  console.log(${JSON.stringify(version)});
  process.exit(0);
}
const r = spawnSync(process.execPath, [${JSON.stringify(BIN)}, ...args], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const dir = path.resolve(args[0]);
const manifest = JSON.parse(readFileSync(path.join(dir, '.mcp-prod.json'), 'utf8'));
const change = (file, from, to) => {
  const text = readFileSync(path.join(dir, file), 'utf8');
  if (!text.includes(from)) throw new Error(file + ' lacks ' + from);
  const next = text.replace(from, to);
  writeFileSync(path.join(dir, file), next);
  manifest.files[file] = 'sha256-' + createHash('sha256').update(next).digest('base64');
};
change('src/tools/echo.ts', ${JSON.stringify(NEW_ECHO)}, ${JSON.stringify(OLD_ECHO)});
change('src/tools/upstream-get.ts', "title: 'Read from the upstream API'", "title: 'Upstream GET'");
manifest.generator.version = ${JSON.stringify(version)};
// Another build's templates have another fingerprint.
manifest.templates = 'sha256-stand-in-for-another-build';
writeFileSync(path.join(dir, '.mcp-prod.json'), JSON.stringify(manifest, null, 2) + '\\n');
`,
  );
  return dir;
}

/** A project of the CLI under test whose manifest says `version` made it (its files are this version's). */
async function recordedAs(dir: string, version: string): Promise<void> {
  const made = await cli([path.basename(dir), ...ARGS], { cwd: path.dirname(dir) });
  expect(made.exitCode, made.stderr).toBe(0);
  const file = path.join(dir, '.mcp-prod.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  manifest.generator.version = version;
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A loopback HTTP server standing in for a package registry; `answer` decides what each request gets. */
async function fakeRegistry(answer: 'not-found' | 'silent'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    if (answer === 'silent') return; // accepts the request and never answers
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let work: string;
beforeAll(async () => {
  work = await tempDir('cmp-upgrade-');
});
afterAll(async () => {
  await removeDir(work);
});

describe('upgrade between two builds of the same version', () => {
  it('add refuses the project until upgrade ran; upgrade --from that build keeps your edits; then add works', async () => {
    const other = await standIn(path.join(work, 'another-build'), GENERATOR.version);
    const { execa } = await import('execa');
    const made = await execa(process.execPath, [path.join(other, 'bin', 'create-mcp-prod.js'), 'twin', ...ARGS], {
      cwd: work,
      reject: false,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    expect(made.exitCode, made.stderr).toBe(0);
    const dir = path.join(work, 'twin');
    const read = (file: string) => readFile(path.join(dir, file), 'utf8');
    await writeFile(path.join(dir, 'src/server.ts'), `${await read('src/server.ts')}\nexport const mine = 1;\n`);
    const before = await snapshot(dir);

    const refused = await cli(['add', 'metrics', '--no-install'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`made by another build of create-mcp-prod ${GENERATOR.version}`);
    expect(refused.stderr).toContain('src/tools/echo.ts');
    expect(refused.stderr).toContain(
      'npx create-mcp-prod upgrade --from <tarball or directory of the build that made it>',
    );
    expect(await snapshot(dir)).toEqual(before);

    const r = await cli(['upgrade', '--from', other, '--no-install'], { cwd: dir });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`another build of create-mcp-prod ${GENERATOR.version} -> this one`);
    expect(await read('src/tools/echo.ts')).toContain(NEW_ECHO);
    expect(await read('src/server.ts')).toContain('export const mine = 1;');
    expect(JSON.parse(await read('.mcp-prod.json')).templates).toMatch(/^sha256-/);
    expect(JSON.parse(await read('.mcp-prod.json')).templates).not.toBe('sha256-stand-in-for-another-build');

    const again = await cli(['upgrade', '--no-install'], { cwd: dir });
    expect(again.stdout).toContain('nothing to upgrade');
    const grown = await cli(['add', 'metrics', '--no-install'], { cwd: dir });
    expect(grown.exitCode, grown.stderr).toBe(0);
    expect(await read('src/server.ts')).toContain('export const mine = 1;');
  });
});

describe('unresolved conflict markers', () => {
  it('stop add, remove and upgrade with exit 1, naming the files, and nothing is written', async () => {
    const made = await cli(['marked', ...ARGS], { cwd: work });
    expect(made.exitCode, made.stderr).toBe(0);
    const dir = path.join(work, 'marked');
    const readme = path.join(dir, 'README.md');
    await writeFile(readme, `${await readFile(readme, 'utf8')}<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n`);
    const before = await snapshot(dir);
    for (const args of [['add', 'metrics'], ['add', 'tool', 'lookup', '--yes'], ['remove', 'tests'], ['upgrade']]) {
      const r = await cli([...args, '--cwd', dir, ...(args[1] === 'tool' ? [] : ['--no-install'])], { cwd: work });
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('1 file still holds conflict markers: README.md. Nothing was written.');
    }
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('upgrade --from a directory', () => {
  let old: string;
  let dir: string;
  const read = (file: string) => readFile(path.join(dir, file), 'utf8');

  beforeAll(async () => {
    old = await standIn(path.join(work, `create-mcp-prod-${OLD}`), OLD);
    // The stand-in makes the project, as the earlier version would have.
    const { execa } = await import('execa');
    const r = await execa(process.execPath, [path.join(old, 'bin', 'create-mcp-prod.js'), 'proj', ...ARGS], {
      cwd: work,
      reject: false,
      env: { CI: 'true', NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    dir = path.join(work, 'proj');
    expect(JSON.parse(await read('.mcp-prod.json')).generator.version).toBe(OLD);
    expect(await read('src/tools/echo.ts')).toContain(OLD_ECHO);
  });

  it('names the new templates in its notes, and stops at a conflict writing nothing', async () => {
    // The user edits the line the new templates change, a file they do not change, and deletes one they change.
    await writeFile(
      path.join(dir, 'src/tools/echo.ts'),
      (await read('src/tools/echo.ts')).replace(OLD_ECHO, "  description: 'Echo.',"),
    );
    await writeFile(path.join(dir, 'src/server.ts'), `${await read('src/server.ts')}\nexport const mine = 1;\n`);
    await rm(path.join(dir, 'src/tools/upstream-get.ts'));
    const before = await snapshot(dir);

    const r = await cli(['upgrade', '--from', old, '--no-install', '--json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.details.conflicts).toEqual(['src/tools/echo.ts']);
    expect(error.details.files).toEqual(
      expect.arrayContaining([
        {
          path: 'src/tools/echo.ts',
          action: 'conflict',
          note: '1 conflict: you and the new templates changed the same lines',
        },
        { path: 'src/server.ts', action: 'keep', note: 'edited by you; the new templates do not change it' },
        {
          path: 'src/tools/upstream-get.ts',
          action: 'keep',
          note: 'deleted by you; stays deleted (the new templates change it; not applied)',
        },
      ]),
    );
    expect(JSON.stringify(error.details.files)).not.toContain('new features');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('with the conflict resolved, upgrades: the notes on screen, the new line in, the edits and the deletion kept', async () => {
    await writeFile(
      path.join(dir, 'src/tools/echo.ts'),
      (await read('src/tools/echo.ts')).replace("  description: 'Echo.',", OLD_ECHO),
    );
    const r = await cli(['upgrade', '--from', old, '--no-install'], { cwd: dir });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`create-mcp-prod ${OLD} -> ${GENERATOR.version}`);
    expect(r.stdout).toMatch(/update\s+src\/tools\/echo\.ts\n/);
    expect(r.stdout).toMatch(/keep\s+src\/server\.ts\s+\(edited by you; the new templates do not change it\)/);
    expect(r.stdout).toMatch(
      /keep\s+src\/tools\/upstream-get\.ts\s+\(deleted by you; stays deleted \(the new templates change it; not applied\)\)/,
    );
    expect(r.stdout).not.toContain('new features');
    expect(await read('src/tools/echo.ts')).toContain(NEW_ECHO);
    expect(await read('src/server.ts')).toContain('export const mine = 1;');
    const manifest = JSON.parse(await read('.mcp-prod.json'));
    expect(manifest.generator.version).toBe(GENERATOR.version);
    const echo = await read('src/tools/echo.ts');
    expect(manifest.files['src/tools/echo.ts']).toBe(`sha256-${createHash('sha256').update(echo).digest('base64')}`);
  });

  it('refuses a path that does not exist, or a directory that is not a built create-mcp-prod (exit 2)', async () => {
    const project = path.join(work, 'refused');
    await recordedAs(project, OLD);
    const before = await snapshot(project);
    const missing = await cli(['upgrade', '--from', path.join(work, 'nowhere'), '--no-install'], { cwd: project });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('no such file or directory');
    const empty = path.join(work, 'unbuilt');
    await mkdir(empty);
    const unbuilt = await cli(['upgrade', '--from', empty, '--no-install'], { cwd: project });
    expect(unbuilt.exitCode).toBe(2);
    expect(unbuilt.stderr).toContain('is not a built create-mcp-prod');
    expect(unbuilt.stderr).toContain('npm ci && npm run build');
    expect(await snapshot(project)).toEqual(before);
  });

  it('refuses a directory of another version than the one the manifest records (exit 1)', async () => {
    const project = path.join(work, 'other-version');
    await recordedAs(project, '0.1.8');
    const before = await snapshot(project);
    const r = await cli(['upgrade', '--from', old, '--no-install'], { cwd: project });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`Could not run create-mcp-prod 0.1.8`);
    expect(r.stderr).toContain(`it is version ${OLD}`);
    expect(r.stderr).toContain('Pass --from a tarball or directory of create-mcp-prod 0.1.8');
    expect(await snapshot(project)).toEqual(before);
  });
});

describe('upgrade without --from: the recorded version from the registry', () => {
  // create-mcp-prod is not published where these machines install from, so the registry path is tested by its
  // failures: each must end quickly with an error that says why and names --from, and write nothing.
  const HINT = `npx create-mcp-prod upgrade --from <tarball or directory of create-mcp-prod 0.0.1>`;
  let project: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    project = path.join(work, 'from-registry');
    await recordedAs(project, '0.0.1');
    before = await snapshot(project);
  });

  it('a registry that does not have the version: exit 1, "not on the package registry", the --from hint', async () => {
    const registry = await fakeRegistry('not-found');
    try {
      const started = Date.now();
      const r = await cli(['upgrade', '--no-install'], { cwd: project, env: { npm_config_registry: registry.url } });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain('create-mcp-prod 0.0.1, which made this project, is not on the package registry');
      expect(r.stderr).toContain('404 Not Found');
      expect(r.stderr).toContain(HINT);
      expect(await snapshot(project)).toEqual(before);
    } finally {
      await registry.close();
    }
  });

  it('the registry npm is configured with (which lacks create-mcp-prod 0.0.1): the same error, in --json too', async () => {
    const started = Date.now();
    const r = await cli(['upgrade', '--no-install', '--json'], { cwd: project });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.exitCode, r.stderr).toBe(1);
    const { ok, error } = JSON.parse(r.stdout);
    expect(ok).toBe(false);
    expect(error.message).toContain('is not on the package registry');
    expect(error.hint).toContain(HINT);
    expect(await snapshot(project)).toEqual(before);
  });

  it('a registry that never answers: stopped after CREATE_MCP_PROD_FETCH_TIMEOUT, with the --from hint', async () => {
    const registry = await fakeRegistry('silent');
    try {
      const started = Date.now();
      const r = await cli(['upgrade', '--no-install'], {
        cwd: project,
        env: { npm_config_registry: registry.url, CREATE_MCP_PROD_FETCH_TIMEOUT: '2' },
      });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        'npm did not fetch and start create-mcp-prod 0.0.1, which made this project, within 2 s',
      );
      expect(r.stderr).toContain(HINT);
      expect(await snapshot(project)).toEqual(before);
    } finally {
      await registry.close();
    }
  });

  it('an unreachable registry: exit 1, "could not reach", the --from hint', async () => {
    const registry = await fakeRegistry('not-found');
    await registry.close(); // its port now refuses connections
    const r = await cli(['upgrade', '--no-install'], {
      cwd: project,
      env: { npm_config_registry: registry.url, npm_config_fetch_retries: '0' },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain('npm could not reach the package registry to fetch create-mcp-prod 0.0.1');
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain(HINT);
    expect(await snapshot(project)).toEqual(before);
  });
});
