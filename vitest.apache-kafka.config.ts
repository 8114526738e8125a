import { defineConfig } from 'vitest/config';

// The suites that need Apache Kafka itself (`*.apache.test.ts`): `pnpm test:apache-kafka` runs
// them against the three-broker cluster it starts; `pnpm test` leaves them out.
export default defineConfig({
  test: {
    include: ['libs/*/test/**/*.apache.test.ts'],
    exclude: ['**/node_modules/**', '**/.data/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
