import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests run the built CLI and real npm against a local registry.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
