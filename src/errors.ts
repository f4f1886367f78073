/** The exit codes: ok, failure after planning (I/O, install, conflict), usage (bad input), cancelled (Ctrl-C). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one error type of the CLI. It carries the exit code and a hint that tells the user what to do next;
 * only the entry (src/cli.ts) turns it into output and an exit code.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(
    message: string,
    options: { exitCode?: ExitCode; hint?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export function usageError(message: string, hint?: string, details?: unknown): CliError {
  return new CliError(message, { exitCode: EXIT.usage, hint, details });
}

export function cancelled(): CliError {
  return new CliError('Cancelled. Nothing was written.', { exitCode: EXIT.cancelled });
}
