import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRegistry, type RegistryAddress } from './registry.mjs';
import { sharedPackages, writeSharedPackage } from './shared-packages.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's verdaccio: test files connect with sharedRegistry() (test/support/shared-registry.ts). */
    registry: RegistryAddress;
    /** The run's own temp folder (package managers installed once for the run: managers.ts); removed at the end. */
    runDir: string;
  }
}

/**
 * Once per `vitest run`: one verdaccio for every e2e file (each started its own: ~3 s of CPU each) holding the
 * packages several files install, published once; a temp folder for what the files share. Both go at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = mkdtempSync(join(tmpdir(), 'depwarden-test-run-'));
  const registry = await startRegistry();
  try {
    await registry.publishAll(sharedPackages(registry.url).map((manifest) => writeSharedPackage(join(runDir, 'shared-packages'), manifest)));
  } catch (error) {
    await registry.stop();
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('registry', { url: registry.url, port: registry.port });
  project.provide('runDir', runDir);
  return async () => {
    await registry.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
}
