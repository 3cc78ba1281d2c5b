import { describe, expect, it } from 'vitest';
import { undeclaredImport } from '../../src/rules/undeclared-import.js';
import { treeFromNames } from '../../src/tree/names.js';
import { contextOf, findingsIn } from '../support/tree.js';

describe('undeclared-import', () => {
  const tree = treeFromNames([{ text: 'expresss' }, { text: 'react' }, { text: 'only-types' }], { sourceFile: '(change)', projectDir: '/project' });
  const imports = new Map([
    ['node_modules/expresss', { file: 'src/a.js', line: 3, typeOnly: false, declared: false }],
    ['node_modules/react', { file: 'src/a.js', line: 4, typeOnly: false, declared: true }],
    ['node_modules/only-types', { file: 'src/b.ts', line: 1, typeOnly: true, declared: false }],
  ]);

  it('flags imports no package.json declares; type-only ones low', () => {
    expect(findingsIn(undeclaredImport, { ...contextOf(tree), imports })).toEqual([
      { location: 'node_modules/expresss', code: 'undeclared-import', severity: 'medium' },
      { location: 'node_modules/only-types', code: 'undeclared-import', severity: 'low' },
    ]);
  });

  it('is silent outside review', () => {
    expect(findingsIn(undeclaredImport, contextOf(tree))).toEqual([]);
  });
});
