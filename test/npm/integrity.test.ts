import ssri from 'ssri';
import { describe, expect, it } from 'vitest';
import { integrityAlgorithms } from '../../src/npm/integrity.js';

describe('integrityAlgorithms', () => {
  it.each([
    'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==',
    'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=',
    'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==',
    '  sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=?foo  ',
    'not-a-hash',
    '',
    'md5-1B2M2Y8AsgTpgAmY7PhCfg==',
    'whirlpool-abc= sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb',
  ])('reads %j as ssri does', (integrity) => {
    const parsed = ssri.parse(integrity) as unknown as Record<string, unknown[]> | null;
    const expected = parsed ? Object.keys(parsed).filter((key) => Array.isArray(parsed[key]) && parsed[key]!.length > 0) : [];
    expect(integrityAlgorithms(integrity).sort()).toEqual(expected.sort());
  });

  it('is stricter than ssri on the digest: one that is not base64 pins nothing', () => {
    expect(ssri.parse('sha512-!!!')).not.toBeNull();
    expect(integrityAlgorithms('sha512-!!!')).toEqual([]);
  });
});
