import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// `npm test` runs every test/**/*.test.ts; `npm test -- <filter>` narrows to files whose path
// contains the filter. Benchmarks (bench/) are never collected.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // better-sqlite3 (a native addon) and the tests that spawn hosts and reference servers need
    // real processes: forks is vitest's default pool, named here so nobody switches it by accident.
    pool: 'forks',
    // vitest's default leaves a core idle; most of these tests wait on sockets and child processes,
    // so two files at a time on a 2-core machine measured 90 s against 143 s for one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // End-to-end tests start hosts, brokers and protocol servers; the old runner allowed 120 s too.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
