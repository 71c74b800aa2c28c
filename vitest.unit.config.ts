import { defineConfig } from 'vitest/config';

/** Pure tests only (no servers): `npx vitest run --config vitest.unit.config.ts`. */
export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts', 'test/shared/**/*.test.ts', 'test/i18n/**/*.test.ts', 'test/flows/**/*.unit.test.ts', 'test/platforms/**/*.test.ts'],
  },
});
