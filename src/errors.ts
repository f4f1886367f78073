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
  /** The message is already on screen (a prompt printed it in its frame): the entry prints it only in --json. */
  readonly shown: boolean;

  constructor(
    message: string,
    options: { exitCode?: ExitCode; hint?: string; details?: unknown; cause?: unknown; shown?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint;
    this.details = options.details;
    this.shown = options.shown ?? false;
  }
}

export function usageError(message: string, hint?: string, details?: unknown): CliError {
  return new CliError(message, { exitCode: EXIT.usage, hint, details });
}

export const CANCELLED = 'Cancelled. Nothing was written.';

/** Ctrl-C at a question. `shown`: the prompt has already printed CANCELLED. */
export function cancelled(shown = false): CliError {
  return new CliError(CANCELLED, { exitCode: EXIT.cancelled, shown });
}
