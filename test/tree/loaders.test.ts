import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWithArborist } from '../../src/tree/arborist.js';
import { diskFiles } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import { FIXTURES } from '../support/paths.js';
import { normalizeTree } from '../support/normalize.js';

/** Lockfiles v2/v3 are read by depwarden's own loader; arborist must see exactly the same tree in them. */
describe.each(['npm-v2', 'npm-v3', 'shrinkwrap', 'workspaces', 'risky/app', 'popular-app'])('%s: own loader = arborist', (name) => {
  it('gives the same nodes, flags and resolved edges', async () => {
    const dir = join(FIXTURES, name);
    const own = await loadProject(diskFiles(dir), { nodeModules: false });
    const viaArborist = await loadWithArborist('lockfile', { format: own.tree.format, sourceFile: own.tree.sourceFile, projectDir: dir });
    expect(normalizeTree(own.tree)).toEqual(normalizeTree(viaArborist));
  });
});

it('reads each file once: the lockfile found is the lockfile checked', async () => {
  const files = diskFiles(join(FIXTURES, 'popular-app'));
  const reads: string[] = [];
  const project = await loadProject({ dir: files.dir, readText: (path) => (reads.push(path), files.readText(path)) }, { nodeModules: false });
  expect(project.tree.sourceFile).toBe('package-lock.json');
  expect(reads.filter((path) => path === 'package-lock.json')).toEqual(['package-lock.json']);
  expect(new Set(reads).size).toBe(reads.length);
});

describe('one project, every format', () => {
  const load = (name: string, nodeModules = false) => loadProject(diskFiles(join(FIXTURES, name)), { nodeModules });

  it('lockfile v1 (through arborist) and v2 describe the same tree as v3', async () => {
    const v3 = normalizeTree((await load('npm-v3')).tree);
    expect(normalizeTree((await load('npm-v1')).tree)).toEqual(v3);
    expect(normalizeTree((await load('npm-v2')).tree)).toEqual(v3);
  });

  it('an installed node_modules describes the same packages as its lockfile', async () => {
    const installed = normalizeTree((await load('node-modules', true)).tree);
    const locked = normalizeTree((await load('npm-v3')).tree);
    // The root's name differs (the fixture folders are two projects); nothing else may.
    expect(installed.slice(1)).toEqual(locked.slice(1));
    expect(installed[0]!.edges).toEqual(locked[0]!.edges);
  });

  it('reports which format and file it read, preferring npm-shrinkwrap.json', async () => {
    const formats = await Promise.all(
      ['npm-v1', 'npm-v2', 'npm-v3', 'shrinkwrap'].map(async (name) => {
        const { tree } = await load(name);
        return `${tree.sourceFile} ${tree.format}`;
      }),
    );
    expect(formats).toEqual([
      'package-lock.json npm-lockfile-v1',
      'package-lock.json npm-lockfile-v2',
      'package-lock.json npm-lockfile-v3',
      'npm-shrinkwrap.json npm-lockfile-v3',
    ]);
    expect((await load('node-modules', true)).tree.format).toBe('node-modules');
  });
});
