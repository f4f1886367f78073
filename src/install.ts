import type { Output } from './output.js';
import { installCommand, type Pm } from './pm.js';

export interface InstallResult {
  ran: boolean;
  ok: boolean;
  command: string;
  /** The end of the package manager's output when it failed. */
  error?: string;
}

/** Installs dependencies with the chosen package manager. On a TTY a spinner, otherwise plain lines. */
export async function install(root: string, pm: Pm, out: Output): Promise<InstallResult> {
  const [bin, ...args] = installCommand(pm);
  const command = [bin, ...args].join(' ');
  const { execa } = await import('execa');
  const progress =
    out.tty && !out.json
      ? await (await import('./prompts.js')).spinner(`Installing dependencies with ${command}`)
      : undefined;
  if (!progress) out.line(`Installing dependencies with ${command}...`);
  const started = Date.now();
  const result = await execa(bin!, args, {
    cwd: root,
    reject: false,
    all: true,
    stdin: 'ignore',
    env: { npm_config_yes: 'true' },
  });
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
