import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'create-mcp-prod.js');

/** A fresh temp dir; removed by the returned cleanup. */
export async function tempDir(prefix = 'cmp-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface CliRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without a TTY (stdin ignored) and CI set, as CI and scripts do. */
export async function cli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): Promise<CliRun> {
  const r = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    stdin: 'ignore',
    timeout: options.timeout ?? 120_000,
    cwd: options.cwd,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
  });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under dir (relative POSIX paths) with its content, skipping node_modules and .git. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else out[r] = await readFile(path.join(dir, r), 'utf8');
    }
  }
  await walk('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * A tool a test needs (redis-server, buildah, Node 22) is missing. Outside CI the test skips with the printed
 * reason; with CI set it fails, because .ci/run installs every such tool and a green CI run must prove the test ran.
 */
export function missingTool(reason: string): string {
  if (process.env.CI) throw new Error(`${reason}. CI must have it: .ci/run installs it.`);
  console.warn(`[skipped] ${reason}`);
  return reason;
}

/** A Helm chart's template (Go template syntax, ignored by Prettier): the kubernetes feature's tests check these. */
export const helmTemplate = (file: string): boolean => /^deploy\/helm\/[^/]+\/templates\//.test(file);

/**
 * The first line that holds Handlebars syntax: `{{`, or a `}}` that closes no brace opened on its line (nested
 * JSON such as `{"query":{"area":"CA"}}` balances; a broken `{{x}}` leaves one). GitHub Actions expressions
 * (`${{ matrix.node }}`) are meant to be there.
 */
export function templateSyntax(content: string, file = ''): string | undefined {
  if (helmTemplate(file)) return undefined;
  return content.split('\n').find((line) => {
    const text = line.replace(/\$\{\{ [\w.-]+ \}\}/g, '');
    if (text.includes('{{')) return true;
    const count = (c: string) => text.split(c).length - 1;
    return text.includes('}}') && count('}') > count('{');
  });
}
