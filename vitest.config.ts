import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One verdaccio for the run, holding the packages several e2e files install; the run's temp folder.
    globalSetup: ['test/support/global-setup.ts'],
    // Before and after each test file: its temp folders and home folder (temp.ts).
    setupFiles: ['test/support/setup.ts'],
    // A worker runs its test files in one module cache: loading src/ (and its data, npm's libraries) once per worker
    // instead of once per file took a third of the suite's CPU time. Test files share no state but what temp.ts
    // resets between them; src/ keeps only caches of pure functions at module level.
    isolate: false,
    // End-to-end tests run the built CLI and real npm against a local registry.
    testTimeout: 60_000,
    // Two test files at once: vitest's default on a 2-core machine is one (cores - 1), and the e2e files spend most
    // of their time waiting on npm, verdaccio and the package managers they spawn.
    maxWorkers: 2,
    hookTimeout: 60_000,
  },
});
