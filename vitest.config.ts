import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that check something about their whole process, so they get one of their own
 * (the rest share their worker processes: see `isolate` below). functions-e2e asserts that the
 * Azure app, run in the test's process, never loads the SQLite addon; any other file that ran
 * the embedded default in the same process would have loaded it.
 */
const OWN_PROCESS = ['test/azure/functions-e2e.test.ts'];

// `npm test` runs every test/**/*.test.ts; `npm test -- <filter>` narrows to files whose path
// contains the filter. Benchmarks (bench/) are never collected.
export default defineConfig({
  test: {
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
    projects: [
      {
        extends: true,
        // Files run one after another in a worker process that keeps the modules it imported: a
        // fresh process per file spent 335 of the suite's 740 s importing the same modules again
        // (the SDKs, the kernel). The tests share no mutable global state: none mocks a module,
        // stubs a global or changes process.env; each starts its own systems in temp folders.
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: OWN_PROCESS, isolate: false },
      },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS, isolate: true } },
    ],
  },
});
