import { Router } from 'express';

/** Resolves when a dependency is usable; throws (or rejects) with a short reason when it is not. */
export type ReadinessCheck = () => Promise<void> | void;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** Longest a single check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * The checks behind `GET /ready`. A module that owns a dependency registers its own check, e.g.
 * `services.readiness.register('redis', async () => void (await redis.ping()))`.
 */
export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  #draining = false;

  register(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Reports "not ready" from now on, so that load balancers stop sending work while in-flight calls finish. */
  drain(): void {
    this.#draining = true;
  }

  async report(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    if (this.#draining) checks.shutdown = { ok: false, error: 'shutting down' };
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
            CHECK_TIMEOUT_MS,
          );
        });
        try {
          await Promise.race([check(), timeout]);
          checks[name] = { ok: true };
        } catch (error) {
          checks[name] = {
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ready: Object.values(checks).every((check) => check.ok), checks };
  }
}

/**
 * `GET /health` is liveness: the process answers, with no dependency checked, so that a slow database never
 * gets the process restarted. `GET /ready` is readiness: 200 when every check passes, else 503 listing them.
 */
export function healthRoutes(readiness: Readiness): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const { ready, checks } = await readiness.report();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
