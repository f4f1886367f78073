import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Some tests start real processes (stdio, shutdown): give them time on a slow CI machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
