// Benchmarks run as vitest files (TypeScript without a build step) and print
// their figures; they are not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: 'forks',
    // One benchmark at a time: two files side by side would share the two cores.
    fileParallelism: false,
    silent: false,
  },
});
