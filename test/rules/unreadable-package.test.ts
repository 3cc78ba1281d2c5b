import { describe, expect, it } from 'vitest';
import { createNode, finishTree } from '../../src/tree/build.js';
import type { PackageNode } from '../../src/tree/model.js';
import { unreadablePackage } from '../../src/rules/unreadable-package.js';
import { findingsOf } from '../support/tree.js';

describe('unreadable-package', () => {
  const nodes = new Map<string, PackageNode>([
    ['', createNode({ location: '', installName: 'app' })],
    ['node_modules/ok', createNode({ location: 'node_modules/ok', installName: 'ok', version: '1.0.0' })],
    ['node_modules/empty', createNode({ location: 'node_modules/empty', installName: 'empty', manifestProblem: 'it has no package.json' })],
    ['node_modules/folder', createNode({ location: 'node_modules/folder', installName: 'folder', manifestProblem: 'its package.json is a folder' })],
    ['node_modules/bad', createNode({ location: 'node_modules/bad', installName: 'bad', manifestProblem: 'its package.json is not valid JSON' })],
  ]);
  const tree = finishTree(nodes, new Map(), { format: 'node-modules', sourceFile: 'node_modules', projectDir: '/project' });

  it('flags every installed package whose package.json could not be read; an empty folder is medium', () => {
    expect(findingsOf(unreadablePackage, tree)).toEqual([
      { location: 'node_modules/bad', code: 'unreadable-package', severity: 'high' },
      { location: 'node_modules/empty', code: 'unreadable-package', severity: 'medium' },
      { location: 'node_modules/folder', code: 'unreadable-package', severity: 'high' },
    ]);
  });
});
