import { describe, expect, it } from 'vitest';
import { invalidSpec } from '../../src/rules/invalid-spec.js';
import { contextOf, findingsOf, lockTree, registryEntry } from '../support/tree.js';

describe('invalid-spec', () => {
  const tree = lockTree(
    {
      'node_modules/a': { ...registryEntry('a', '1.0.0'), dependencies: { bee: 'npm:', ok: '^1.0.0' } },
      'node_modules/bee': { version: '1.0.0', resolved: 'https://evil.example.test/bee.tgz', integrity: 'sha512-AAAA' },
      'node_modules/ok': registryEntry('ok', '1.0.0'),
      'node_modules/ws-style': registryEntry('ws-style', '1.0.0'),
    },
    { dependencies: { a: '^1.0.0', 'ws-style': 'workspace:*', ftp: 'ftp://files.example.test/x.tgz', link: 'link:../x', tag: 'next' } },
  );

  it('flags specs npm-package-arg cannot read, on the package they resolved to or else their declarer', () => {
    expect(findingsOf(invalidSpec, tree)).toEqual([
      { location: '', code: 'invalid-spec', severity: 'high' },
      { location: 'node_modules/bee', code: 'invalid-spec', severity: 'high' },
      { location: 'node_modules/ws-style', code: 'invalid-spec', severity: 'high' },
    ]);
  });

  it('names the declarer and the spec', () => {
    const bee = invalidSpec.check(contextOf(tree)).find((finding) => finding.node.location === 'node_modules/bee');
    expect(bee?.detail).toEqual({ code: 'invalid-spec', name: 'bee', spec: 'npm:', declaredBy: { name: 'a', version: '1.0.0', isProject: false } });
  });
});
