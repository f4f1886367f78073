import { execa } from 'execa';
import { readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../helpers.js';
import { freePort, runIn } from './harness.js';

/**
 * Generated projects as users grow and run them: both example tools deleted and one of their own added before
 * `add` brings the tests in, a list-cache hint changed, the version bumped, a production install without
 * pino-pretty, and a generated test that fails while its server runs.
 */
let work: string;
beforeAll(async () => {
  work = await tempDir('cmp-ops-');
});
afterAll(async () => {
  await removeDir(work);
});

const GREET = `import * as z from 'zod';
import { defineTool, textResult } from '../tool.js';

export const greet = defineTool({
  name: 'greet',
  title: 'Greet',
  description: 'Says hello to someone.',
  input: z.object({ name: z.string().min(1).max(100) }),
  annotations: { readOnlyHint: true },
  run: ({ name }) => textResult(\`Hello, \${name}!\`),
});
`;

describe("a project whose example tools were replaced by one of the user's, then grown with add", () => {
  const dir = () => path.join(work, 'mine');
  const file = (rel: string) => path.join(dir(), rel);
  let added: string;

  beforeAll(async () => {
    const features = 'auth,ratelimit,logging,metrics,health';
    const created = await cli(
      ['mine', '--yes', '--no-git', '--no-install', '-t', 'http', '-f', features, '--auth', 'apikey'],
      {
        cwd: work,
      },
    );
    expect(created.exitCode, created.stderr).toBe(0);
    // As a user would: both example tools removed (files and registrations), a tool of one's own added as the
    // README says, and the list-cache hint changed in src/server.ts.
    await rm(file('src/tools/upstream-get.ts'));
    await rm(file('src/tools/echo.ts'));
    await writeFile(file('src/tools/greet.ts'), GREET);
    const index = await readFile(file('src/tools/index.ts'), 'utf8');
    const edited = index
      .replace("import { echo } from './echo.js';\n", '')
      .replace("import { upstreamGet } from './upstream-get.js';", "import { greet } from './greet.js';")
      .replace('  echo,\n  upstreamGet,\n', '  greet,\n');
    expect(edited).not.toMatch(/echo|upstream/i);
    await writeFile(file('src/tools/index.ts'), edited);
    const server = await readFile(file('src/server.ts'), 'utf8');
    expect(server).toContain('LIST_TTL_MS = 5 * 60_000');
    await writeFile(file('src/server.ts'), server.replace('LIST_TTL_MS = 5 * 60_000', 'LIST_TTL_MS = 60_000'));

    const r = await cli(['add', 'cache', 'breaker', 'tests', '--store', 'memory'], { cwd: dir(), timeout: 600_000 });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    added = r.stdout;
  });

  it('add says the deleted example tool stays deleted, and why', async () => {
    expect(added).toMatch(
      /keep\s+src\/tools\/upstream-get\.ts\s+\(deleted by you; stays deleted \(the new features change it; not applied\)\)/,
    );
    await expect(readFile(file('src/tools/upstream-get.ts'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(file('src/tools/echo.ts'))).rejects.toThrow(/ENOENT/);
  });

  it('builds and passes its own tests, which check the tools it has and the version it has', async () => {
    const version = await runIn(dir(), 'npm', ['version', '2.3.4', '--no-git-tag-version']);
    expect(version.exitCode, version.all).toBe(0);
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const test = await runIn(dir(), 'npm', ['test', '--', '--reporter=verbose'], { NO_COLOR: '1' });
    expect(test.exitCode, test.all).toBe(0);
    const out = test.all;
    // The version check ran (in both protocol eras), against 2.3.4, and the user's tool is in the list it checks.
    expect(out.match(/✓ .*reports the version of package\.json/g), out).toHaveLength(2);
    expect(out).toMatch(/✓ .*greet has a name the MCP spec allows/);
    // Without the example tools, the tests that need a tool ran on the tests' own tools, and passed.
    for (const ran of [
      /✓ test\/shutdown\.test\.ts > graceful shutdown \(HTTP\) > finishes the request in flight on SIGTERM/,
      /✓ test\/auth\.test\.ts > API key authentication > accepts every key of MCP_API_KEYS/,
      /✓ test\/rate-limit\.test\.ts > rate limit > answers the call over RATE_LIMIT_PER_MINUTE with 429/,
      /✓ test\/metrics\.test\.ts > GET \/metrics > counts tool calls by tool and outcome/,
      /✓ test\/metrics\.test\.ts > GET \/metrics > counts the calls a cache served, as the pipeline notes them/,
      /✓ test\/http\.test\.ts > POST \/mcp > answers a tools\/call/,
      /✓ test\/hostile\.test\.ts > hostile input > leaves the server serving/,
      /✓ test\/edge\.test\.ts > logs of the HTTP edge > logs a call the client cancels as cancelled/,
      /✓ test\/cache\.test\.ts > /,
      /✓ test\/breaker\.test\.ts > /,
    ]) {
      expect(out, String(ran)).toMatch(ran);
    }
    // What was skipped are the checks of the example tools, which the project no longer has; nothing else.
    const skipped = out.split('\n').filter((line) => /^\s*↓ /.test(line));
    expect(skipped.length, out).toBeGreaterThan(0);
    for (const line of skipped) expect(line).toMatch(/↓ test\/tools\.test\.ts > tools over the .* protocol > /);
  });

  it('refuses LOG_FORMAT=pretty as a configuration error where pino-pretty is not installed', async () => {
    // What a production install (npm ci --omit=dev, the Docker image) lacks.
    const pretty = file('node_modules/pino-pretty');
    await rename(pretty, `${pretty}.away`);
    try {
      const r = await execa('node', ['dist/http.js'], {
        cwd: dir(),
        reject: false,
        stdin: 'ignore',
        timeout: 20_000,
        env: { LOG_FORMAT: 'pretty', PORT: String(await freePort()), NODE_ENV: 'production' },
      });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^Invalid configuration:\n {2}- LOG_FORMAT: pretty needs pino-pretty/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rename(`${pretty}.away`, pretty);
    }
  });
});

/** Processes whose working directory is `dir` and whose command line runs `entry`. */
async function processesIn(dir: string, entry: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd !== dir) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(entry)) found.push(Number(pid));
  }
  return found;
}

describe('a generated test that fails while its server runs', () => {
  const dir = () => path.join(work, 'leak');

  it('leaves no server behind', async () => {
    const created = await cli(['leak', '--yes', '--no-git', '-t', 'http', '-f', 'tests'], {
      cwd: work,
      timeout: 600_000,
    });
    expect(created.exitCode, created.stderr).toBe(0);
    // The shutdown test waits for a line the server never prints: it fails with the server up and listening.
    const test = path.join(dir(), 'test/shutdown.test.ts');
    const source = await readFile(test, 'utf8');
    expect(source).toContain("'MCP server listening'");
    await writeFile(test, source.replace("'MCP server listening'", "'a line never printed'"));
    const r = await runIn(dir(), 'npx', ['vitest', 'run', 'test/shutdown.test.ts']);
    const leaked = await processesIn(dir(), 'src/http.ts');
    for (const pid of leaked) process.kill(pid, 'SIGKILL');
    expect(r.exitCode, r.all).not.toBe(0);
    expect(r.all).toMatch(/timed out waiting for the server to listen/);
    expect(leaked, 'servers left running').toEqual([]);
  });
});
