import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';
import { installCommand, type Pm } from './pm.js';

export interface InstallResult {
  ran: boolean;
  ok: boolean;
  command: string;
  /** Ctrl-C (SIGINT) or SIGTERM stopped the install; the package manager and its children were stopped too. */
  cancelled?: boolean;
  /** The end of the package manager's output when it failed. */
  error?: string;
}

/** How long the package manager gets to stop after SIGTERM before its process group is killed. */
const STOP_GRACE_MS = 3000;

/**
 * Installs dependencies with the chosen package manager. On a TTY a spinner, otherwise plain lines.
 *
 * The package manager runs in its own process group, so that Ctrl-C reaches us alone: we then stop its whole tree
 * (npm's scripts and workers included) and report a cancelled install instead of leaving it running orphaned.
 */
export async function install(root: string, pm: Pm, out: Output): Promise<InstallResult> {
  const [bin, ...args] = installCommand(pm);
  const command = [bin, ...args].join(' ');
  const { execa } = await import('execa');
  const progress =
    out.tty && !out.json
      ? await (await import('./prompts.js')).spinner(`Installing dependencies with ${command}`, 'Install cancelled')
      : undefined;
  if (!progress) out.line(`Installing dependencies with ${command}...`);
  const started = Date.now();
  const child = execa(bin!, args, {
    cwd: root,
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
    // Yarn makes every install in CI immutable, and this first one writes the lockfile.
    env: { npm_config_yes: 'true', YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' },
  });
  let cancelled = false;
  let killer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const stop = () => {
    if (cancelled) return;
    cancelled = true;
    signalGroup('SIGTERM');
    killer = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const result = await child.finally(() => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });
  if (cancelled) {
    // Whatever the package manager left in its group (a script it started) goes too.
    signalGroup('SIGKILL');
    clearTimeout(killer);
    return { ran: true, ok: false, cancelled: true, command };
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.exitCode === 0 && !result.failed) {
    if (progress) progress.stop(`Installed dependencies in ${seconds}s`);
    else out.line(`Installed dependencies in ${seconds}s.`);
    return { ran: true, ok: true, command };
  }
  const why =
    result.code === 'ENOENT'
      ? `${bin} was not found on PATH`
      : (result.all ?? '').trim().split('\n').slice(-15).join('\n');
  if (progress) progress.stop(`Install failed after ${seconds}s`, 1);
  return { ran: true, ok: false, command, error: why || result.shortMessage };
}

/** Ctrl-C during the install: exit 130, the project kept, and the command that finishes the job. */
export function installCancelled(dirArg: string, kept: string, command: string): CliError {
  return new CliError(`Install cancelled. ${kept}`, {
    exitCode: EXIT.cancelled,
    hint: `Finish the install with:\n  ${dirArg === '.' ? '' : `cd ${dirArg} && `}${command}`,
  });
}
