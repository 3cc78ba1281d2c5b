import { describe, expect, it } from 'vitest';
import { provenanceDropped } from '../../src/rules/provenance-dropped.js';
import type { AttestationEntry } from '../../src/registry/attestations.js';
import { findingsIn, lockTree, messageOf, published, registryEntry, withFacts } from '../support/tree.js';

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

describe('provenance-dropped: verified provenance', () => {
  const verified = ['same', 'shorthand', 'elsewhere', 'unnamed', 'forged', 'down', 'no-root'];
  const tree = lockTree(Object.fromEntries(verified.map((name) => [`node_modules/${name}`, registryEntry(name, '1.0.0')])), {
    dependencies: Object.fromEntries(verified.map((name) => [name, '^1'])),
  });
  const withRepository = (repository: string | undefined) =>
    published('1.0.0', { dist: { integrity: 'sha512-a', attestations: { url: 'x' } }, ...(repository === undefined ? {} : { repository }) });
  const facts = {
    'node_modules/same': withRepository('git+https://github.com/Owner/Same.git'),
    'node_modules/shorthand': withRepository('github:owner/shorthand'),
    'node_modules/elsewhere': withRepository('git+https://github.com/owner/elsewhere.git'),
    'node_modules/unnamed': withRepository(undefined),
    'node_modules/forged': withRepository('https://github.com/owner/forged'),
    'node_modules/down': withRepository('https://github.com/owner/down'),
    'node_modules/no-root': withRepository('https://github.com/owner/no-root'),
  };
  const verdicts: Record<string, AttestationEntry> = {
    'node_modules/same': { state: 'verified', sourceRepository: 'https://github.com/owner/same' },
    'node_modules/shorthand': { state: 'verified', sourceRepository: 'https://github.com/owner/shorthand' },
    'node_modules/elsewhere': { state: 'verified', sourceRepository: 'https://github.com/attacker/elsewhere' },
    'node_modules/unnamed': { state: 'verified', sourceRepository: 'https://github.com/owner/unnamed' },
    'node_modules/forged': { state: 'invalid', reason: 'the provenance attestation does not verify: certificate issuer not trusted' },
    'node_modules/down': { state: 'unverified', cause: 'its attestations could not be read: HTTP 500' },
    'node_modules/no-root': { state: 'unverified', cause: 'no Sigstore trusted root' },
  };
  const context = { ...withFacts(tree, facts), attestations: { byLocation: new Map(Object.entries(verdicts)), notes: [] } };

  it('invalid is critical, another repository (or none) high, the same repository in any URL form none, faults unverified', () => {
    expect(findingsIn(provenanceDropped, context)).toEqual([
      { location: 'node_modules/down', code: 'unverified', severity: 'medium' },
      { location: 'node_modules/elsewhere', code: 'provenance-repository-mismatch', severity: 'high' },
      { location: 'node_modules/forged', code: 'provenance-invalid', severity: 'critical' },
      { location: 'node_modules/no-root', code: 'unverified', severity: 'medium' },
      { location: 'node_modules/unnamed', code: 'provenance-repository-mismatch', severity: 'high' },
    ]);
    const messages = provenanceDropped.check(context).map((finding) => messageOf(provenanceDropped, finding.detail));
    expect(messages).toContain(
      'version 1.0.0 was built from https://github.com/attacker/elsewhere, not from the repository it names (git+https://github.com/owner/elsewhere.git)',
    );
    expect(messages).toContain('version 1.0.0 was built from https://github.com/owner/unnamed, but the package names no repository');
    expect(messages).toContain('the provenance of version 1.0.0 is not valid: the provenance attestation does not verify: certificate issuer not trusted');
  });

  it('one cause for many packages is one finding on the project', () => {
    const oneCause = new Map(verified.map((name) => [`node_modules/${name}`, { state: 'unverified', cause: 'no Sigstore trusted root' } as AttestationEntry]));
    const findings = provenanceDropped.check({ ...context, attestations: { byLocation: oneCause, notes: [] } });
    expect(findings.map((finding) => [finding.node.location, finding.detail])).toEqual([
      ['', { code: 'unverified', cause: 'no Sigstore trusted root (7 packages)' }],
    ]);
  });
});
