import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'breaker',
  title: 'Circuit breaker',
  description: 'Timeouts, retries with backoff and a circuit breaker on upstream calls (cockatiel)',
  requires: [],
  httpOnly: false,
  options: [],
  dependencies: { cockatiel: '^4.0.0' },
  devDependencies: {},
  env: [
    {
      title: 'Upstream retries and circuit breaker',
      vars: [
        {
          name: 'UPSTREAM_RETRIES',
          schema: 'z.coerce.number().int().min(0).max(10).default(2)',
          default: '2',
          description: 'Retries of a failed upstream GET (no answer, 5xx, 429), with exponential backoff and jitter.',
        },
        {
          name: 'UPSTREAM_RETRY_DELAY_MS',
          schema: 'milliseconds.default(200)',
          default: '200',
          description: 'Delay before the first retry, in milliseconds; the next ones grow exponentially, with jitter.',
        },
        {
          name: 'BREAKER_THRESHOLD',
          schema: 'z.coerce.number().int().positive().default(5)',
          default: '5',
          description: 'Consecutive failures that open the circuit: calls then fail at once, without reaching the upstream.',
        },
        {
          name: 'BREAKER_COOLDOWN_MS',
          schema: 'milliseconds.default(30_000)',
          default: '30000',
          description: 'How long the circuit stays open before a trial call is let through, in milliseconds.',
        },
      ],
    },
  ],
});
