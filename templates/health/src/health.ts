import type { Hono } from 'hono';
import type { AppEnv } from './app.js';
import type { Logger } from './logger.js';

/** Resolves when a dependency is usable; throws (or rejects) with a short reason when it is not. */
export type ReadinessCheck = () => Promise<void> | void;

export interface CheckOptions {
  /**
   * Whether this instance should stop getting traffic while the check fails. Default: true. Register a
   * dependency the server survives (a cache it bypasses, a breaker that fails fast) with `required: false`:
   * every replica shares that dependency, so failing the probe would take them all out of the pool at once.
   */
  required?: boolean;
}

export interface CheckResult {
  ok: boolean;
  required: boolean;
  error?: string;
}

/**
 * `ready`: send traffic. `degraded`: send traffic; a dependency the server survives is down (see `checks`).
 * `not ready`: starting, draining, or a required check fails.
 */
export type ReadinessStatus = 'ready' | 'degraded' | 'not ready';

export interface ReadinessReport {
  ready: boolean;
  status: ReadinessStatus;
  checks: Record<string, CheckResult>;
}

/** Longest a single check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2_000;

async function run(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The checks behind `GET /ready`, which answers "should this instance get traffic?". A module that owns a
 * dependency registers its own check, e.g.
 * `services.readiness.register('database', async () => void (await db.query('select 1')))`.
 * A check that starts or stops failing is logged once, at warn and info.
 */
export class Readiness {
  readonly #checks = new Map<string, { check: ReadinessCheck; required: boolean }>();
  readonly #failing = new Set<string>();
  #draining = false;

  constructor(private readonly logger: Logger) {}

  register(name: string, check: ReadinessCheck, { required = true }: CheckOptions = {}): void {
    this.#checks.set(name, { check, required });
  }

  /** Reports "not ready" from now on, so that load balancers stop sending work while in-flight calls finish. */
  drain(): void {
    this.#draining = true;
  }

  async report(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    if (this.#draining) checks.shutdown = { ok: false, required: true, error: 'shutting down' };
    await Promise.all(
      [...this.#checks].map(async ([name, { check, required }]) => {
        const error = await run(check);
        checks[name] =
          error === undefined ? { ok: true, required } : { ok: false, required, error };
        this.#log(name, checks[name]);
      }),
    );
    const failing = Object.values(checks).filter((check) => !check.ok);
    const ready = failing.every((check) => !check.required);
    const status = !ready ? 'not ready' : failing.length > 0 ? 'degraded' : 'ready';
    return { ready, status, checks };
  }

  #log(name: string, { ok, required, error }: CheckResult): void {
    if (ok === !this.#failing.has(name)) return;
    if (ok) {
      this.#failing.delete(name);
      this.logger.info({ check: name }, 'readiness check passes again');
    } else {
      this.#failing.add(name);
      const effect = required ? 'not ready' : 'still ready (degraded)';
      this.logger.warn({ check: name, required, error }, `readiness check failing: ${effect}`);
    }
  }
}

/**
 * `GET /health` is liveness: the process answers, with no dependency checked, so that a slow database never
 * gets the process restarted. `GET /ready` is readiness: 503 while draining or while a required check fails,
 * else 200 (`ready`, or `degraded` with the failing checks the server survives).
 */
export function healthRoutes(readiness: Readiness): (app: Hono<AppEnv>) => void {
  return (app) => {
    app.get('/health', (c) => c.json({ status: 'ok' }));
    app.get('/ready', async (c) => {
      const { ready, status, checks } = await readiness.report();
      return c.json({ status, checks }, ready ? 200 : 503);
    });
  };
}
