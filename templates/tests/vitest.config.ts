import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Servers the tests start inherit it: their stub upstream listens on loopback (test/helpers.ts, testEnv).
    env: { UPSTREAM_ALLOW_PRIVATE: 'true' },
    // Some tests start real processes (stdio, shutdown): give them time on a slow CI machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
