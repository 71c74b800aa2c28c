import { defineConfig } from 'vitest/config';

/**
 * The fault and abuse suite (`npm run test:faults`): real processes and servers, some of which the tests
 * kill and restart, so the files run one at a time. Figures go to docs/RELIABILITY.md when
 * RECORD_RELIABILITY=1 (`npm run test:faults:record`).
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
