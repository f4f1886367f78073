import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** Every process the tests started that is still running. */
const running = new Set<ChildProcess>();

/** Runs `node` with the given arguments and environment (over the test's own), its output piped. */
export function startNode(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/**
 * The `node` arguments that run an entry point of the server from source (no build needed), with the tests' own
 * tools next to the server's (test/with-test-tools.ts). `node --import tsx` (not the `tsx` CLI) so that signals
 * reach the server process itself.
 */
export function serverArgs(entry: string): string[] {
  const testTools = new URL('./with-test-tools.ts', import.meta.url).href;
  return ['--import', 'tsx', '--import', testTools, entry];
}

/** Starts an entry point of the server (see `serverArgs`) with the given environment. */
export function startServer(entry: string, env: Record<string, string> = {}): ChildProcess {
  return startNode(serverArgs(entry), env);
}

/**
 * Kills every process started here that is still running, and waits for it to exit. Files that start
 * processes call it in `afterEach`: a failing test must never leave a server behind, still listening.
 */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      child.kill('SIGKILL');
      return exited(child);
    }),
  );
}

/** Collects a stream's text as it comes. */
export function collect(stream: NodeJS.ReadableStream | null): { text: () => string } {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => (text += chunk));
  return { text: () => text };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves with the exit code once the process has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A TCP port that was free a moment ago, for a server started as a child process. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
