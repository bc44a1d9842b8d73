import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['checker/**/*.test.ts', 'site/**/*.test.ts', 'test/**/*.test.ts', 'docs/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
