import { defineFeature } from '../../src/feature-api.js';
import { store } from '../base/options.js';

export default defineFeature({
  id: 'cache',
  title: 'Cache',
  description: 'Tool results cached per caller, in memory (lru-cache) or Redis',
  requires: [],
  httpOnly: false,
  options: [store],
  dependencies: { 'lru-cache': '^11.5.3' },
  devDependencies: {},
  env: [
    {
      title: 'Cache of tool results (tools opt in with `cache` in src/tools/)',
      vars: [
        {
          name: 'CACHE_TTL_SECONDS',
          schema: 'z.coerce.number().int().min(0).default(60)',
          default: '60',
          description: 'Lifetime of a cached result, in seconds, for tools with `cache: true`. 0 turns those off.',
        },
        {
          name: 'CACHE_MAX_ENTRIES',
          when: (ctx) => !ctx.redis,
          schema: 'z.coerce.number().int().positive().default(1_000)',
          default: '1000',
          description: 'Most results kept in memory; the least recently used go first.',
        },
      ],
    },
  ],
});
