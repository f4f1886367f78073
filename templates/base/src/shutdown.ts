import type { Logger } from './logger.js';

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0; exits 1 if it fails or takes longer than `timeoutMs`.
 * `stop` should stop taking work, let in-flight work finish, then release resources. A second signal while
 * stopping exits at once, with 1 (Ctrl-C twice).
 *
 * `shutting down`, then `stopped` or the failure, are on stderr, in that order, before the process exits:
 * the logger writes what it still holds when the process exits (src/logger.ts).
 */
export function onShutdown(
  logger: Logger,
  timeoutMs: number,
  stop: (signal: string) => Promise<void>,
): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting with work in flight');
      process.exit(1);
    }, timeoutMs).unref();
    stop(signal).then(
      () => {
        logger.info({}, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
