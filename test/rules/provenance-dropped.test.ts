import { describe, expect, it } from 'vitest';
import { provenanceDropped } from '../../src/rules/provenance-dropped.js';
import { findingsIn, lockTree, published, registryEntry, withFacts } from '../support/tree.js';

const names = ['dropped', 'kept', 'never', 'unknown'];
const tree = lockTree(Object.fromEntries(names.map((name) => [`node_modules/${name}`, registryEntry(name, '2.0.0')])), {
  dependencies: Object.fromEntries(names.map((name) => [name, '^2'])),
});

describe('provenance-dropped', () => {
  it('flags a version without attestations after versions with them; kept, never had, or unknown is no finding', () => {
    const facts = {
      'node_modules/dropped': published('2.0.0', { dist: { integrity: 'sha512-a' } }, { provenanceBefore: { count: 3, latest: '1.9.0' } }),
      'node_modules/kept': published('2.0.0', { dist: { integrity: 'sha512-b', attestations: true } }, { provenanceBefore: { count: 3, latest: '1.9.0' } }),
      'node_modules/never': published('2.0.0', { dist: { integrity: 'sha512-c' } }),
      'node_modules/unknown': { ok: false as const, notFound: false, cause: 'refused', offline: false },
    };
    expect(findingsIn(provenanceDropped, withFacts(tree, facts))).toEqual([{ location: 'node_modules/dropped', code: 'provenance-dropped', severity: 'high' }]);
    const [finding] = provenanceDropped.check(withFacts(tree, facts));
    expect(provenanceDropped.messages['provenance-dropped']!.message(finding!.detail as never)).toContain('3 earlier versions had it (latest: 1.9.0)');
  });
});
