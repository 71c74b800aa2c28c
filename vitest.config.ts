import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite kills and restarts servers: it runs on its own (npm run test:faults).
    exclude: ['test/faults/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests share two real servers on a two-core machine: a few files at a time keeps
    // FerretDB's SQLite backend from becoming the bottleneck and the timings honest.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
