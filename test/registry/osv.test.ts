import { describe, expect, it } from 'vitest';
import { affects, isMalware, parseAdvisory } from '../../src/registry/osv.js';

const advisory = (affected: unknown, extra: Record<string, unknown> = {}) => parseAdvisory({ id: 'MAL-1', affected, ...extra })!;
const pkg = { ecosystem: 'npm', name: 'x' };

describe('OSV version semantics', () => {
  it.each([
    // [affected, version, expected]
    [[{ package: pkg, versions: ['1.0.0', '1.0.1'] }], '1.0.1', true],
    [[{ package: pkg, versions: ['1.0.0'] }], '1.0.2', false],
    [[{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }], '7.3.1', true],
    [[{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.2.0' }, { fixed: '1.3.0' }] }] }], '1.2.9', true],
    [[{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.2.0' }, { fixed: '1.3.0' }] }] }], '1.3.0', false],
    [[{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.2.0' }, { fixed: '1.3.0' }] }] }], '1.1.0', false],
    [[{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { last_affected: '1.0.5' }] }] }], '1.0.5', true],
    [[{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { last_affected: '1.0.5' }] }] }], '1.0.6', false],
    // Two intervals in one range, events out of order
    [
      [{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ fixed: '2.1.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '1.1.0' }] }] }],
      '1.5.0',
      false,
    ],
    [
      [{ package: pkg, ranges: [{ type: 'SEMVER', events: [{ fixed: '2.1.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '1.1.0' }] }] }],
      '2.0.3',
      true,
    ],
    [[{ package: pkg, ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }], '1.0.0', false],
    [[{ package: { ecosystem: 'PyPI', name: 'x' }, versions: ['1.0.0'] }], '1.0.0', false],
    [[{ package: { ecosystem: 'npm', name: 'y' }, versions: ['1.0.0'] }], '1.0.0', false],
  ])('%j affects x@%s: %s', (affected, version, expected) => {
    expect(affects(advisory(affected), 'x', version)).toBe(expected);
  });

  it('withdrawn advisories affect nothing; malware is a MAL- id or alias', () => {
    const listed = [{ package: pkg, versions: ['1.0.0'] }];
    expect(affects(advisory(listed, { withdrawn: '2026-01-01T00:00:00Z' }), 'x', '1.0.0')).toBe(false);
    const ghsa = { id: 'GHSA-1', aliases: ['MAL-2026-9'], affected: listed };
    expect(isMalware(ghsa, parseAdvisory(ghsa)!)).toBe(true);
    const vulnerability = { id: 'GHSA-2', aliases: ['CVE-2026-1'], affected: listed };
    expect(isMalware(vulnerability, parseAdvisory(vulnerability)!)).toBe(false);
    expect(parseAdvisory({ affected: [] })).toBeUndefined();
  });
});
