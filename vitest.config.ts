import { defineConfig } from 'vitest/config';

// unit: pure modules, imported from src/. cli: the built bin spawned without a TTY, no installs.
// e2e: generated projects installed, built, tested and spoken to by real MCP clients (slow; bounded by timeouts).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'cli', include: ['test/cli/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // Installs and servers are heavy on a 2-core machine: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
