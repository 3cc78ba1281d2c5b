import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One verdaccio for the run, holding the packages several e2e files install; the run's temp folder.
    globalSetup: ['test/support/global-setup.ts'],
    // End-to-end tests run the built CLI and real npm against a local registry.
    testTimeout: 60_000,
    // Two test files at once: vitest's default on a 2-core machine is one (cores - 1), and the e2e files spend most
    // of their time waiting on npm, verdaccio and the package managers they spawn.
    maxWorkers: 2,
    hookTimeout: 60_000,
  },
});
