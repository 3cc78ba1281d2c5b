import { describe, expect, it } from 'vitest';
import { manifestDynamicDependency } from '../../src/rules/manifest-dynamic-dependency.js';
import { findingsIn, lockTree, published, registryEntry, withFacts } from '../support/tree.js';

describe('manifest-dynamic-dependency', () => {
  it('flags URL (critical) and git (high) dependencies in the published manifest', () => {
    const tree = lockTree(
      {
        'node_modules/phantom': registryEntry('phantom', '1.0.0'),
        'node_modules/gitty': registryEntry('gitty', '1.0.0'),
        'node_modules/plain': registryEntry('plain', '1.0.0'),
      },
      { dependencies: { phantom: '^1', gitty: '^1', plain: '^1' } },
    );
    const context = withFacts(tree, {
      'node_modules/phantom': published('1.0.0', { dependencies: { payload: 'http://attacker.example.test/p.tgz', ok: '^1' } }),
      'node_modules/gitty': published('1.0.0', { optionalDependencies: { g: 'github:u/g' } }),
      'node_modules/plain': published('1.0.0', { dependencies: { a: '^1', b: 'npm:c@2' } }),
    });
    expect(findingsIn(manifestDynamicDependency, context)).toEqual([
      { location: 'node_modules/gitty', code: 'manifest-dynamic-dependency', severity: 'high' },
      { location: 'node_modules/phantom', code: 'manifest-dynamic-dependency', severity: 'critical' },
    ]);
    const phantom = manifestDynamicDependency.check(context).find((finding) => finding.node.name === 'phantom')!;
    expect(phantom.detail).toEqual({
      code: 'manifest-dynamic-dependency',
      version: '1.0.0',
      dependencies: [{ name: 'payload', spec: 'http://attacker.example.test/p.tgz', kind: 'url' }],
    });
  });
});
