import { defineFeature } from '../../src/feature-api.js';
import { store } from '../base/options.js';

export default defineFeature({
  id: 'ratelimit',
  title: 'Rate limiting',
  description: 'Per-caller limits on tool calls, in memory or shared through Redis',
  requires: [],
  httpOnly: true,
  options: [store],
  dependencies: { 'rate-limiter-flexible': '^11.4.0' },
  devDependencies: {},
  env: [
    {
      title: 'Rate limits (tool calls over HTTP)',
      vars: [
        {
          name: 'RATE_LIMIT_PER_MINUTE',
          schema: 'count.default(120)',
          default: '120',
          description:
            'Tool calls per minute for each caller (its API key or token subject when callers authenticate, else its address). Beyond that: 429 with Retry-After.',
        },
        {
          name: 'RATE_LIMIT_FAIL',
          when: (ctx) => ctx.redis,
          schema: "z.enum(['open', 'closed']).default('open')",
          default: 'open',
          description:
            'If Redis is unreachable: open = each replica keeps limiting on its own, in memory, until Redis is back; closed = tool calls get 503 until then.',
        },
        {
          name: 'TRUST_PROXY',
          note: "Behind a load balancer: how many proxies to trust in X-Forwarded-For, so that limits apply to the client's address rather than to the proxy's.",
          schema: [
            "z.coerce",
            "    .number({ error: 'must be a number of proxies (0: none)' })",
            "    .int('must be a number of proxies (0: none)')",
            "    .min(0, 'must be a number of proxies (0: none)')",
            '    .default(0)',
          ].join('\n'),
          default: '0',
          description:
            'Proxies (load balancers) in front of the server whose X-Forwarded-For gives the client address; 0: none.',
        },
      ],
    },
  ],
});
