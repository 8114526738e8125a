import { defineConfig } from 'vitest/config';

// One config for the whole workspace: `pnpm test` runs every package's unit tests
// (`*.test.ts` beside the code) and integration tests (`test/*.int.test.ts`).
// Integration tests share one Postgres and one Redis, each test file in its own
// schema / db index, so files can run in parallel on a 2-core machine.
export default defineConfig({
  test: {
    include: [
      'libs/*/src/**/*.test.ts',
      'libs/*/test/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'tools/*/src/**/*.test.ts',
      'tools/*/test/**/*.test.ts',
      'scripts/**/*.test.ts',
      'e2e/**/*.test.ts',
    ],
    // *.apache.test.ts need Apache Kafka: `pnpm test:apache-kafka` runs them (vitest.apache-kafka.config.ts).
    exclude: ['**/node_modules/**', '**/.data/**', '**/*.apache.test.ts'],
    // Creates the tests' database on a fresh machine (DATABASE_URL, default `test`).
    globalSetup: ['./scripts/test-database.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
