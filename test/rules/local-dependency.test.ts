import { describe, expect, it } from 'vitest';
import { localDependency } from '../../src/rules/local-dependency.js';
import { treeFromNames } from '../../src/tree/names.js';
import { findingsOf, lockTree, registryEntry } from '../support/tree.js';

describe('local-dependency', () => {
  it('flags file: links and tarballs outside the project, not those inside it', () => {
    const tree = lockTree(
      {
        '../outside': { version: '1.0.0' },
        'node_modules/outside': { resolved: '../outside', link: true },
        'libs/inside': { version: '1.0.0' },
        'node_modules/inside': { resolved: 'libs/inside', link: true },
        'node_modules/tgz-out': { version: '1.0.0', resolved: 'file:../t.tgz', integrity: 'sha512-AAAA' },
        'node_modules/tgz-in': { version: '1.0.0', resolved: 'file:vendor/t.tgz', integrity: 'sha512-AAAA' },
        'node_modules/abs': { version: '1.0.0', resolved: 'file:/opt/abs.tgz', integrity: 'sha512-AAAA' },
      },
      {
        dependencies: {
          outside: 'file:../outside',
          inside: 'file:libs/inside',
          'tgz-out': 'file:../t.tgz',
          'tgz-in': 'file:vendor/t.tgz',
          abs: 'file:/opt/abs.tgz',
        },
      },
    );
    expect(findingsOf(localDependency, tree)).toEqual([
      { location: 'node_modules/abs', code: 'local-dependency', severity: 'medium' },
      { location: 'node_modules/outside', code: 'local-dependency', severity: 'medium' },
      { location: 'node_modules/tgz-out', code: 'local-dependency', severity: 'medium' },
    ]);
  });

  it('flags any local path a published package declares, and pnpm-style link:', () => {
    const tree = lockTree(
      {
        'node_modules/pub': registryEntry('pub', '1.0.0', { dependencies: { helper: 'file:./helper' } }),
        'node_modules/pub/helper': { version: '1.0.0' },
        'node_modules/helper': { resolved: 'node_modules/pub/helper', link: true },
        'node_modules/linked': { resolved: '../linked', link: true },
        '../linked': { version: '1.0.0' },
      },
      { dependencies: { pub: '^1.0.0', linked: 'link:../linked' } },
    );
    expect(findingsOf(localDependency, tree)).toEqual([
      { location: 'node_modules/helper', code: 'local-dependency', severity: 'medium' },
      { location: 'node_modules/linked', code: 'local-dependency', severity: 'medium' },
    ]);
  });

  it("vet (no project): every local path asked for, inside the working folder or not; the gates' names inside the project are not", () => {
    const names = treeFromNames([{ text: './lib' }, { text: 'x@file:vendor/x.tgz' }, { text: 'lodash' }], { sourceFile: '(arguments)', projectDir: '/p' });
    expect(findingsOf(localDependency, names)).toEqual([]);
    expect(findingsOf(localDependency, { ...names, noProject: true })).toEqual([
      { location: 'node_modules/./lib', code: 'local-dependency', severity: 'medium' },
      { location: 'node_modules/x', code: 'local-dependency', severity: 'medium' },
    ]);
  });

  it('workspace links are not findings', () => {
    const tree = lockTree(
      { 'packages/a': { name: 'a', version: '1.0.0' }, 'node_modules/a': { resolved: 'packages/a', link: true } },
      { workspaces: ['packages/*'] },
    );
    expect(findingsOf(localDependency, tree)).toEqual([]);
  });
});
