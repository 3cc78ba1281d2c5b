import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskFiles } from '../../src/tree/files.js';
import { loadProject } from '../../src/tree/load.js';
import { packageCount, pathTo } from '../../src/tree/paths.js';
import { FIXTURES } from '../support/paths.js';
import { lockTree, registryEntry } from '../support/tree.js';

describe('dependency chains', () => {
  it('gives the shortest chain from the root, through nested node_modules', async () => {
    const { tree } = await loadProject(diskFiles(join(FIXTURES, 'risky/app')), { nodeModules: false });
    expect(pathTo(tree, tree.nodes.get('node_modules/dw-payload')!)).toEqual(['dw-middle', 'dw-phantom', 'dw-payload']);
    expect(pathTo(tree, tree.root)).toEqual([]);
    expect(packageCount(tree)).toBe(6);
  });

  it('walks through workspace links to what a workspace depends on', async () => {
    const { tree } = await loadProject(diskFiles(join(FIXTURES, 'workspaces')), { nodeModules: false });
    expect(tree.nodes.get('packages/ws-a')!.isWorkspace).toBe(true);
    expect(pathTo(tree, tree.nodes.get('packages/ws-b/node_modules/dw-core')!)).toEqual(['ws-b', 'dw-core']);
    expect(pathTo(tree, tree.nodes.get('node_modules/dw-core')!)).toEqual(['ws-a', 'dw-core']);
  });

  it('survives dependency cycles and leaves extraneous packages with an empty chain', () => {
    const tree = lockTree(
      {
        'node_modules/a': registryEntry('a', '1.0.0', { dependencies: { b: '^1' } }),
        'node_modules/b': registryEntry('b', '1.0.0', { dependencies: { a: '^1' } }),
        'node_modules/orphan': registryEntry('orphan', '1.0.0'),
      },
      { dependencies: { a: '^1' } },
    );
    expect(pathTo(tree, tree.nodes.get('node_modules/b')!)).toEqual(['a', 'b']);
    expect(pathTo(tree, tree.nodes.get('node_modules/orphan')!)).toEqual([]);
  });
});
