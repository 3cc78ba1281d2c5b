import { describe, expect, it } from 'vitest';
import { versionDrift } from '../../src/rules/version-drift.js';
import { findingsIn, lockTree, published, registryEntry, withFacts } from '../support/tree.js';

const names = ['turned', 'grown', 'renamed', 'same', 'first'];
const tree = lockTree(Object.fromEntries(names.map((name) => [`node_modules/${name}`, registryEntry(name, '2.0.0')])), {
  dependencies: Object.fromEntries(names.map((name) => [name, '^2'])),
});
const previous = (manifest: object) => ({ previous: { version: '1.0.0', manifest } });

describe('version-drift', () => {
  const context = withFacts(tree, {
    'node_modules/turned': published('2.0.0', { scripts: { postinstall: 'node x.js' }, dependencies: { a: '^1', u: 'https://x.example.test/u.tgz' } }, previous({ dependencies: { a: '^1' } })),
    'node_modules/grown': published('2.0.0', { dependencies: { a: '^1', b: '^1' }, bin: { grown: 'cli.js' }, repository: 'github:x/grown' }, previous({ dependencies: { a: '^1' }, repository: 'github:x/grown' })),
    'node_modules/renamed': published('2.0.0', {}, previous({ repository: 'github:x/renamed' })),
    'node_modules/same': published('2.0.0', { dependencies: { a: '^2' } }, previous({ dependencies: { a: '^1' } })),
    'node_modules/first': published('2.0.0', { scripts: { postinstall: 'node x.js' } }),
  });

  it('flags what a release adds over the previous one, by weight', () => {
    expect(findingsIn(versionDrift, context)).toEqual([
      { location: 'node_modules/grown', code: 'version-drift', severity: 'medium' },
      { location: 'node_modules/renamed', code: 'version-drift', severity: 'low' },
      { location: 'node_modules/turned', code: 'version-drift', severity: 'high' },
    ]);
  });

  it('says what changed', () => {
    const turned = versionDrift.check(context).find((finding) => finding.node.name === 'turned')!;
    expect(turned.detail).toEqual({
      code: 'version-drift',
      version: '2.0.0',
      previous: '1.0.0',
      addedScripts: ['postinstall'],
      addedDynamic: ['u'],
      addedDependencies: [],
      addedBins: [],
      droppedRepository: false,
    });
  });
});
