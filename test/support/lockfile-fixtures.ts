import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile, type FileSource } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import type { DependencyTree } from '../../src/tree/model.js';
import { FIXTURES } from './paths.js';

/** The real-manager lockfile fixtures (scripts/make-lockfile-fixtures.mjs), one folder per format. */
export const LOCKFILES = join(FIXTURES, 'lockfiles');

/** A fixture folder with some files replaced (or added, or removed with `null`), read in memory. */
export function lockfileProject(folder: string, overrides: Record<string, string | null> = {}): FileSource {
  const dir = join(LOCKFILES, folder);
  return {
    dir,
    readText: (path) => (Object.hasOwn(overrides, path) ? (overrides[path] ?? undefined) : readRegularFile(join(dir, path), path)),
  };
}

/** A fixture file's text. */
export const fixtureText = (folder: string, file: string): string => readFileSync(join(LOCKFILES, folder, file), 'utf8');

/** The tree `check` would load from that folder. */
export const loadFixture = async (folder: string, overrides: Record<string, string | null> = {}): Promise<DependencyTree> =>
  (await loadProject(lockfileProject(folder, overrides), { nodeModules: false })).tree;
