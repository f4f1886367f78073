import { defineOption } from '../../src/feature-api.js';

/**
 * Options several features share, declared once: each feature that uses one names it in its `options`
 * (docs/ARCHITECTURE.md, "Feature modules").
 */

/** Where stateful features keep their state: one process, or Redis shared by every replica. */
export const store = defineOption({
  id: 'store',
  what: 'store',
  placeholder: 'kind',
  help: 'where stateful features keep state (see `list`)',
  values: [
    { value: 'memory', label: 'In memory', hint: 'one replica' },
    { value: 'redis', label: 'Redis', hint: 'shared by every replica' },
  ],
  default: 'memory',
  question: (users) => `Where should ${users.join(' and ')} keep ${users.length > 1 ? 'their' : 'its'} state?`,
});

/** What runs the HTTP server: Node (with stdio and Docker), or Cloudflare Workers (the same app, deployed with wrangler). */
export const runtime = defineOption({
  id: 'runtime',
  what: 'runtime',
  placeholder: 'runtime',
  help: 'what runs the server: node, or Cloudflare workers',
  scope: 'project',
  values: [
    { value: 'node', label: 'Node.js', hint: 'HTTP and stdio, Docker; the same app also runs on Bun and Deno' },
    { value: 'workers', label: 'Cloudflare Workers', hint: 'HTTP only, deployed with wrangler' },
  ],
  default: 'node',
  question: () => 'What will run the server?',
  refuses(value, { transport, features, options }) {
    if (value !== 'workers') return [];
    const reasons: Record<string, string> = {
      stdio: 'a Worker has no standard input and output: use --transport http',
      docker: 'a Worker is deployed with wrangler, not as a container',
      kubernetes: 'a Worker is deployed with wrangler, not as a container on Kubernetes',
      metrics: 'each Worker isolate keeps its own counters, which no Prometheus can scrape',
      logging: "pino's Node destination does not exist on Workers; the base logger writes the same JSON lines",
      tracing: 'the OpenTelemetry Node SDK does not run on Workers',
    };
    return [
      ...(transport === 'http' ? [] : [`--transport ${transport}: ${reasons.stdio}`]),
      ...features.filter((id) => id in reasons).map((id) => `${id}: ${reasons[id]}`),
      ...(options.store === 'redis' && features.some((id) => id === 'cache' || id === 'ratelimit')
        ? ['--store redis: the Redis client needs TCP sockets that Workers do not give it; use --store memory']
        : []),
    ];
  },
});
