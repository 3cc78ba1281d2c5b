import { describe, expect, it } from 'vitest';
import { resolvedMismatch } from '../../src/rules/resolved-mismatch.js';
import { contextOf, findingsOf, lockTree, registryEntry } from '../support/tree.js';

describe('resolved-mismatch', () => {
  const tree = lockTree(
    {
      'node_modules/ok': registryEntry('ok', '1.0.0'),
      'node_modules/@scope/ok': registryEntry('@scope/ok', '2.0.0-beta.1'),
      'node_modules/encoded': { version: '1.0.0', resolved: 'https://registry.example.test/@s%2fencoded/-/encoded-1.0.0.tgz', name: '@s/encoded' },
      'node_modules/alias': { ...registryEntry('real', '1.0.0'), name: 'real' },
      'node_modules/prefixed': { version: '1.0.0', resolved: 'https://repo.example.test/api/npm/npm-remote/prefixed/-/prefixed-1.0.0.tgz' },
      'node_modules/swapped-name': { version: '1.0.0', resolved: 'https://registry.example.test/evil/-/evil-1.0.0.tgz' },
      'node_modules/swapped-version': { version: '1.0.1', resolved: 'https://registry.example.test/swapped-version/-/swapped-version-0.0.1.tgz' },
      'node_modules/odd-file': { version: '1.0.0', resolved: 'https://registry.example.test/odd-file/-/other-1.0.0.tgz' },
      'node_modules/garbage': { version: '1.0.0', resolved: 'https://exa mple.test/x.tgz' },
      'node_modules/weird-scheme': { version: '1.0.0', resolved: 'ftp:/x' },
      'node_modules/url': { version: '3.0.0', resolved: 'https://files.example.test/some/other-name.tgz' },
    },
    {
      dependencies: {
        ok: '^1',
        '@scope/ok': '2.0.0-beta.1',
        encoded: 'npm:@s/encoded@1',
        alias: 'npm:real@1',
        prefixed: '^1',
        'swapped-name': '^1',
        'swapped-version': '^1',
        'odd-file': '^1',
        garbage: '^1',
        'weird-scheme': '^1',
        url: 'https://files.example.test/some/other-name.tgz',
      },
    },
  );

  it('flags tarball URLs naming another package or version, and resolved values that do not parse', () => {
    expect(findingsOf(resolvedMismatch, tree)).toEqual([
      { location: 'node_modules/garbage', code: 'unparsable-resolved', severity: 'high' },
      { location: 'node_modules/odd-file', code: 'resolved-mismatch', severity: 'critical' },
      { location: 'node_modules/swapped-name', code: 'resolved-mismatch', severity: 'critical' },
      { location: 'node_modules/swapped-version', code: 'resolved-mismatch', severity: 'critical' },
      { location: 'node_modules/weird-scheme', code: 'unparsable-resolved', severity: 'high' },
    ]);
  });

  it('says what the URL fetches instead', () => {
    const found = resolvedMismatch.check(contextOf(tree)).filter((f) => f.detail.code === 'resolved-mismatch');
    expect(found.map((f) => f.detail)).toEqual([
      { code: 'resolved-mismatch', resolved: 'https://registry.example.test/evil/-/evil-1.0.0.tgz', urlName: 'evil', urlVersion: '1.0.0' },
      {
        code: 'resolved-mismatch',
        resolved: 'https://registry.example.test/swapped-version/-/swapped-version-0.0.1.tgz',
        urlName: 'swapped-version',
        urlVersion: '0.0.1',
      },
      { code: 'resolved-mismatch', resolved: 'https://registry.example.test/odd-file/-/other-1.0.0.tgz', urlName: 'other-1.0.0', urlVersion: '' },
    ]);
  });
});
