import { execa } from 'execa';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, missingTool, removeDir, tempDir } from '../helpers.js';
import { freePort, makeNpmCiWork } from './harness.js';

/**
 * The generated Dockerfile is built and run for real. There is no Docker engine here; buildah builds and
 * runs the image with chroot isolation on a local stand-in for node:24-slim (.ci/container-base.sh).
 */
const CONF = '/etc/containers/containers.local.conf';
const B = ['--storage-driver', 'vfs'];
const env = { CONTAINERS_CONF: CONF };

async function whyNot(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'buildah with chroot isolation needs root';
  const which = await execa('sh', ['-c', 'command -v buildah'], { reject: false });
  if (which.exitCode !== 0) return 'buildah is not installed';
  const base = await execa('buildah', [...B, 'images', '--format', '{{.Name}}:{{.Tag}}'], { reject: false, env });
  if (!/node:24-slim/.test(base.stdout)) return 'no node:24-slim base image (run .ci/container-base.sh 24 as root)';
  return undefined;
}

let work: string;
let reason: string | undefined;
const image = `cmp-e2e-${process.pid}`;
const containers: string[] = [];

beforeAll(async () => {
  const why = await whyNot();
  if (why) {
    reason = missingTool(`Docker e2e: ${why}`);
    return;
  }
  work = await tempDir('cmp-docker-');
});
afterAll(async () => {
  if (reason) return;
  for (const c of containers) await execa('buildah', [...B, 'rm', c], { reject: false, env });
  await execa('buildah', [...B, 'rmi', '-f', image], { reject: false, env });
  await removeDir(work);
});

describe('Docker image of the generated server', () => {
  it('builds, runs as the node user, and its /health answers from the container', async (ctx) => {
    if (reason) return ctx.skip();
    const r = await cli(['app', '--yes', '--no-git', '-t', 'http', '-f', 'all'], { cwd: work, timeout: 600_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = path.join(work, 'app');
    // The image runs `npm ci`; on a registry that lacks an optional dependency that needs a test-only pin.
    await makeNpmCiWork(dir);

    const bud = await execa('buildah', [...B, 'bud', '--isolation', 'chroot', '--format', 'docker', '-t', image, '.'], {
      cwd: dir,
      reject: false,
      all: true,
      env,
      timeout: 900_000,
    });
    expect(bud.exitCode, bud.all).toBe(0);

    const from = await execa('buildah', [...B, 'from', image], { env });
    const c = from.stdout.trim();
    containers.push(c);
    const inspect = await execa('buildah', [...B, 'inspect', c], { env });
    const config = (JSON.parse(inspect.stdout) as { Docker: { config: unknown } }).Docker.config as {
      User: string;
      Cmd?: string[];
      Entrypoint?: string[];
      Env: string[];
      Healthcheck?: { Test: string[] };
    };
    expect(config.User).toBe('node');
    expect(config.Env).toContain('NODE_ENV=production');
    expect(config.Healthcheck?.Test.join(' ')).toMatch(/node/);
    expect(config.Healthcheck?.Test.join(' ')).toMatch(/\/health/);
    const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
    expect(command[0]).toBe('node'); // exec form: SIGTERM reaches node, not a shell

    // Dev dependencies stay in the build stage.
    const ls = await execa(
      'buildah',
      [...B, 'run', '--isolation', 'chroot', c, '--', 'sh', '-c', 'ls node_modules; ls node_modules/.bin || true'],
      { env, reject: false },
    );
    expect(ls.stdout).not.toMatch(/^typescript$/m);
    expect(ls.stdout).not.toMatch(/^vitest$/m);

    const port = await freePort();
    const dotenv = await execa('sh', ['-c', 'grep ^MCP_API_KEYS= .env | cut -d= -f2-'], { cwd: dir });
    const server = execa(
      'buildah',
      [
        ...B,
        'run',
        '--isolation',
        'chroot',
        '--user',
        'node',
        '--env',
        `PORT=${port}`,
        '--env',
        'HOST=127.0.0.1',
        '--env',
        `MCP_API_KEYS=${dotenv.stdout.trim()}`,
        c,
        '--',
        ...command,
      ],
      { env, reject: false, all: true },
    );
    try {
      let status = 0;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        status = await fetch(`http://127.0.0.1:${port}/health`).then(
          (res) => res.status,
          () => 0,
        );
        if (status === 200) break;
        await new Promise((res) => setTimeout(res, 250));
      }
      expect(status, 'GET /health from the container').toBe(200);
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  });
});
