import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native integration tests spin real threads; two cores means two workers at most.
    maxWorkers: 2,
  },
});
