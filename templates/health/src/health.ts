import type { Hono } from 'hono';
import type { AppEnv } from './app.js';
import type { Readiness } from './readiness.js';

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
