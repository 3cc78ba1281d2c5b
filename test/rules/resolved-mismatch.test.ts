import { describe, expect, it } from 'vitest';
import { resolvedMismatch } from '../../src/rules/resolved-mismatch.js';
import { REGISTRIES, contextOf, findingsOf, lockTree, registryEntry } from '../support/tree.js';

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

  describe('a registry-host URL that names no tarball of the package', () => {
    const onRegistry = lockTree(
      {
        // What real registries write: each names this package's own tarball.
        'node_modules/plain': registryEntry('plain', '1.0.0'),
        'node_modules/@scope/std': { version: '1.0.0', resolved: 'https://registry.example.test/@scope/std/-/std-1.0.0.tgz' },
        'node_modules/@scope/enc': { version: '1.0.0', resolved: 'https://registry.example.test/@scope%2fenc/-/enc-1.0.0.tgz' },
        'node_modules/yarn-hash': { version: '1.0.0', resolved: 'https://registry.example.test/yarn-hash/-/yarn-hash-1.0.0.tgz#0123abcd' },
        'node_modules/artifactory': { version: '1.0.0', resolved: 'https://registry.example.test/api/npm/npm-remote/artifactory/-/artifactory-1.0.0.tgz' },
        'node_modules/@scope/gitlab': {
          version: '2.0.0',
          resolved: 'https://registry.example.test/api/v4/projects/7/packages/npm/@scope/gitlab/-/@scope/gitlab-2.0.0.tgz',
        },
        'node_modules/@scope/github': { version: '3.0.0', resolved: 'https://mirror.example.test/download/@scope/github/3.0.0/0a1b2c3d4e5f' },
        'node_modules/build-meta': { version: '1.0.0+b1', resolved: 'https://registry.example.test/build-meta/-/build-meta-1.0.0+b1.tgz' },
        // Swapped: the host passes, the path does not name the package's tarball.
        'node_modules/uploads': { version: '1.0.0', resolved: 'https://registry.example.test/uploads/payload.tgz', integrity: 'sha512-AAAA' },
        'node_modules/allowed-host': { version: '1.0.0', resolved: 'https://mirror.example.test/some/other/path.tgz' },
        'node_modules/no-path': { version: '1.0.0', resolved: 'https://registry.example.test/' },
        'node_modules/@scope/gh-other': { version: '3.0.0', resolved: 'https://mirror.example.test/download/@scope/other/3.0.0/0a1b' },
        'node_modules/@scope/gl-other': { version: '2.0.0', resolved: 'https://registry.example.test/@scope/gl-other/-/@evil/gl-other-2.0.0.tgz' },
        // Not this rule's: another host (foreign-registry), a URL the project asked for (url-dependency).
        'node_modules/elsewhere': { version: '1.0.0', resolved: 'https://files.example.test/uploads/payload.tgz' },
        'node_modules/asked-url': { version: '1.0.0', resolved: 'https://registry.example.test/uploads/asked.tgz' },
      },
      {
        dependencies: {
          plain: '^1',
          '@scope/std': '^1',
          '@scope/enc': '^1',
          'yarn-hash': '^1',
          artifactory: '^1',
          '@scope/gitlab': '^2',
          '@scope/github': '^3',
          'build-meta': '^1.0.0',
          uploads: '^1',
          'allowed-host': '^1',
          'no-path': '^1',
          '@scope/gh-other': '^3',
          '@scope/gl-other': '^2',
          elsewhere: '^1',
          'asked-url': 'https://registry.example.test/uploads/asked.tgz',
        },
      },
    );
    const settings = { ...REGISTRIES, allowedHosts: ['Mirror.example.test'] };

    it('is a critical finding on the configured registry host and on allowed hosts; real registry shapes pass', () => {
      expect(findingsOf(resolvedMismatch, onRegistry, settings)).toEqual([
        { location: 'node_modules/@scope/gh-other', code: 'resolved-mismatch', severity: 'critical' },
        { location: 'node_modules/@scope/gl-other', code: 'resolved-mismatch', severity: 'critical' },
        { location: 'node_modules/allowed-host', code: 'resolved-not-tarball', severity: 'critical' },
        { location: 'node_modules/no-path', code: 'resolved-not-tarball', severity: 'critical' },
        { location: 'node_modules/uploads', code: 'resolved-not-tarball', severity: 'critical' },
      ]);
    });

    it('says which host and URL', () => {
      const found = resolvedMismatch.check(contextOf(onRegistry, settings)).find((f) => f.node.location === 'node_modules/uploads');
      expect(found?.detail).toEqual({
        code: 'resolved-not-tarball',
        resolved: 'https://registry.example.test/uploads/payload.tgz',
        host: 'registry.example.test',
      });
    });
  });
});
