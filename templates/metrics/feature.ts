import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'metrics',
  title: 'Prometheus metrics',
  description: 'prom-client metrics at GET /metrics',
  requires: [],
  httpOnly: true,
  options: [],
  dependencies: { 'prom-client': '^15.1.3' },
  devDependencies: {},
  env: [
    {
      title: 'Metrics (GET /metrics, Prometheus text format)',
      vars: [
        {
          name: 'METRICS_TOKEN',
          note: 'Comma-separated, so that a token can be rotated: add the new one, move the scrapers, remove the old one.',
          schema: [
            'list.refine(',
            '    (tokens) => tokens === undefined || tokens.every((token) => token.length >= 16),',
            "    'every token must be at least 16 characters long',",
            '  )',
          ].join('\n'),
          default: 'none',
          example: '',
          description:
            'If set, scrapers must send `Authorization: Bearer <token>` with one of these tokens, comma-separated so that a token can be rotated, 16 characters or more each.',
        },
      ],
    },
  ],
});
