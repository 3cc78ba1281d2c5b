import { describe, expect, it } from 'vitest';
import { semver } from '../../src/cjs.js';
import { previousRelease } from '../../src/registry/facts.js';

/** A packument of these versions and publish times (undefined: no time given), sorted as facts.ts sorts them. */
function packumentOf(times: Record<string, string | undefined>) {
  const versions = Object.keys(times);
  const time = Object.fromEntries(Object.entries(times).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const packument = { name: 'dw-lib', versions: Object.fromEntries(versions.map((version) => [version, { name: 'dw-lib', version }])), time };
  return { packument, sorted: [...versions].sort(semver.compare) };
}

describe('previousRelease', () => {
  it('is the semver neighbour for releases, even where publish times run against version order', () => {
    // A mirror whose times run backwards: 2.0.0 "published" before 1.0.0. Semver order still decides.
    const { packument, sorted } = packumentOf({ '1.0.0': '2026-03-01T00:00:00Z', '1.1.0': '2026-02-01T00:00:00Z', '2.0.0': '2026-01-01T00:00:00Z' });
    expect(previousRelease(packument, '2.0.0', sorted)).toBe('1.1.0');
    expect(previousRelease(packument, '1.1.0', sorted)).toBe('1.0.0');
    expect(previousRelease(packument, '1.0.0', sorted)).toBeUndefined();
  });

  it('between prereleases of 0.0.0 (snapshot builds named by commit hash), the one published last before it', () => {
    // Semver orders these by their hashes: 0.0.0-experimental-0aa1 < …-7f3c < …-c0de, unrelated to when they came out.
    const { packument, sorted } = packumentOf({
      '0.0.0-experimental-c0de-20261101': '2026-11-01T00:00:00Z',
      '0.0.0-experimental-0aa1-20261110': '2026-11-10T00:00:00Z',
      '0.0.0-experimental-7f3c-20261120': '2026-11-20T00:00:00Z',
      '19.0.0': '2026-10-01T00:00:00Z',
    });
    expect(sorted.indexOf('0.0.0-experimental-7f3c-20261120')).toBe(1); // its semver neighbour would be …-0aa1
    expect(previousRelease(packument, '0.0.0-experimental-c0de-20261101', sorted)).toBeUndefined(); // the first snapshot build
    expect(previousRelease(packument, '0.0.0-experimental-0aa1-20261110', sorted)).toBe('0.0.0-experimental-c0de-20261101');
    expect(previousRelease(packument, '0.0.0-experimental-7f3c-20261120', sorted)).toBe('0.0.0-experimental-0aa1-20261110');
    // A release keeps its semver neighbour, as before this rule.
    expect(previousRelease(packument, '19.0.0', sorted)).toBe('0.0.0-experimental-c0de-20261101');
  });

  it('without publish times, prereleases of 0.0.0 fall back to semver order', () => {
    const { packument, sorted } = packumentOf({ '0.0.0-canary-b': undefined, '0.0.0-canary-a': undefined });
    expect(previousRelease(packument, '0.0.0-canary-b', sorted)).toBe('0.0.0-canary-a');
    const halfTimed = packumentOf({ '0.0.0-canary-a': undefined, '0.0.0-canary-b': '2026-11-01T00:00:00Z' });
    expect(previousRelease(halfTimed.packument, '0.0.0-canary-b', halfTimed.sorted)).toBe('0.0.0-canary-a');
  });
});
