import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'metrics',
  title: 'Prometheus metrics',
  description: 'prom-client metrics at GET /metrics',
  requires: [],
  httpOnly: true,
  usesStore: false,
  options: [],
  dependencies: { 'prom-client': '^15.1.3' },
  devDependencies: {},
  env: [
    {
      title: 'Metrics (GET /metrics, Prometheus text format)',
      vars: [
        {
          name: 'METRICS_TOKEN',
          schema: 'z.string().min(16).optional()',
          default: 'none',
          example: '',
          description: 'If set, scrapers must send `Authorization: Bearer <token>` (16 characters or more).',
        },
      ],
    },
  ],
});
