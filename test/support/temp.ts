import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/**
 * The home folder of the test file that runs (HOME and npm cache of its CLI runs: ISOLATED_ENV, check.ts). A worker
 * runs several files in turn and loads this module once (vitest.config.ts `isolate: false`), so the path is the
 * worker's, and setup.ts empties it between files: each file starts with an empty one.
 */
export const TEST_HOME = mkdtempSync(join(tmpdir(), 'depwarden-home-'));

/** A fresh temporary folder, removed after the test file that made it (setup.ts). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `depwarden-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Before a test file: its home folder, empty. */
export function prepareTestFile(): void {
  mkdirSync(TEST_HOME, { recursive: true });
}

/** After a test file: the folders it made and its home folder go. */
export function cleanUpTestFile(): void {
  for (const dir of [...made.splice(0), TEST_HOME]) rmSync(dir, { recursive: true, force: true });
}
