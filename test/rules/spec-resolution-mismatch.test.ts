import { describe, expect, it } from 'vitest';
import { specResolutionMismatch } from '../../src/rules/spec-resolution-mismatch.js';
import { overrideProblems } from '../../src/tree/overrides.js';
import { contextOf, findingsOf, lockTree, messageOf, registryEntry } from '../support/tree.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('spec-resolution-mismatch', () => {
  const tree = lockTree(
    {
      'node_modules/ok': registryEntry('ok', '1.0.0'),
      'node_modules/bundled': { version: '1.0.0', inBundle: true },
      'node_modules/no-resolved': { version: '1.0.0' },
      'node_modules/to-git-ssh': { version: '1.0.0', resolved: `git+ssh://git@host.example.test/x.git#${COMMIT}` },
      'node_modules/to-shorthand': { version: '1.0.0', resolved: `owner/repo#${COMMIT}` },
      'node_modules/to-file': { version: '1.0.0', resolved: 'file:../x.tgz', integrity: 'sha512-AAAA' },
      'node_modules/to-folder': { version: '1.0.0', resolved: '../x' },
      'node_modules/to-inside-folder': { version: '1.0.0', resolved: './vendor/x' },
      'node_modules/to-link': { resolved: '../outside', link: true },
      '../outside': { name: 'to-link', version: '1.0.0' },
      'node_modules/ws': { resolved: 'packages/ws', link: true },
      'packages/ws': { name: 'ws', version: '1.0.0' },
      'node_modules/git-ok': { version: '1.0.0', resolved: `git+ssh://git@host.example.test/g.git#${COMMIT}` },
      'node_modules/git-to-tarball': registryEntry('git-to-tarball', '1.0.0'),
      'node_modules/url-ok': { version: '1.0.0', resolved: 'https://files.example.test/u.tgz', integrity: 'sha512-AAAA' },
      'node_modules/url-to-git': { version: '1.0.0', resolved: `git+https://host.example.test/u.git#${COMMIT}` },
      'node_modules/local-ok': { resolved: 'libs/local', link: true },
      'libs/local': { name: 'local-ok', version: '1.0.0' },
      'node_modules/local-to-git': { version: '1.0.0', resolved: `git+ssh://git@host.example.test/l.git#${COMMIT}` },
      'node_modules/invalid-spec': { version: '1.0.0', resolved: `git+ssh://git@host.example.test/i.git#${COMMIT}` },
      'node_modules/extraneous': { version: '1.0.0', resolved: '../nobody' },
      'node_modules/ok/node_modules/deep': { version: '1.0.0', resolved: 'file:../deep.tgz', integrity: 'sha512-AAAA' },
    },
    {
      workspaces: ['packages/*'],
      dependencies: {
        ok: '^1.0.0',
        bundled: '^1.0.0',
        'no-resolved': '^1.0.0',
        'to-git-ssh': '^1.0.0',
        'to-shorthand': '^1.0.0',
        'to-file': '^1.0.0',
        'to-folder': 'npm:to-folder@^1.0.0',
        'to-inside-folder': 'latest',
        'to-link': '^1.0.0',
        ws: '^1.0.0',
        'git-ok': `git+ssh://git@host.example.test/g.git#${COMMIT}`,
        'git-to-tarball': 'github:owner/repo',
        'url-ok': 'https://files.example.test/u.tgz',
        'url-to-git': 'https://files.example.test/u.tgz',
        'local-ok': 'file:libs/local',
        'local-to-git': 'file:libs/l',
        'invalid-spec': 'npm:',
      },
    },
  );

  it('flags every source that is not the kind of source the spec asked for, critical for registry ranges', () => {
    expect(findingsOf(specResolutionMismatch, tree)).toEqual([
      { location: 'node_modules/git-to-tarball', code: 'spec-resolution-mismatch', severity: 'high' },
      { location: 'node_modules/local-to-git', code: 'spec-resolution-mismatch', severity: 'high' },
      { location: 'node_modules/to-file', code: 'spec-resolution-mismatch', severity: 'critical' },
      { location: 'node_modules/to-folder', code: 'spec-resolution-mismatch', severity: 'critical' },
      { location: 'node_modules/to-git-ssh', code: 'spec-resolution-mismatch', severity: 'critical' },
      { location: 'node_modules/to-inside-folder', code: 'spec-resolution-mismatch', severity: 'critical' },
      { location: 'node_modules/to-link', code: 'spec-resolution-mismatch', severity: 'critical' },
      { location: 'node_modules/to-shorthand', code: 'spec-resolution-mismatch', severity: 'critical' },
      { location: 'node_modules/url-to-git', code: 'spec-resolution-mismatch', severity: 'high' },
    ]);
  });

  it('names what npm fetches instead, and whether it leads out of the project', () => {
    const details = new Map(specResolutionMismatch.check(contextOf(tree)).map((finding) => [finding.node.location, finding.detail]));
    expect(details.get('node_modules/to-link')).toEqual({
      code: 'spec-resolution-mismatch',
      spec: '^1.0.0',
      specKind: 'registry',
      declaredBy: { name: 'app', version: '1.0.0', isProject: true },
      source: 'link',
      resolved: '../outside',
      outsideProject: true,
    });
    expect(details.get('node_modules/to-shorthand')).toMatchObject({ source: 'git', resolved: `owner/repo#${COMMIT}`, outsideProject: false });
    expect(details.get('node_modules/to-file')).toMatchObject({ source: 'file', resolved: '../x.tgz', outsideProject: true });
    expect(details.get('node_modules/to-inside-folder')).toMatchObject({ source: 'directory', resolved: './vendor/x', outsideProject: false });
  });

  it('judges transitive dependencies the same way', () => {
    const deep = lockTree(
      {
        'node_modules/a': { ...registryEntry('a', '1.0.0'), dependencies: { b: '^2.0.0' } },
        'node_modules/b': { version: '2.0.0', resolved: 'file:../b.tgz', integrity: 'sha512-AAAA' },
      },
      { dependencies: { a: '^1.0.0' } },
    );
    const [finding] = specResolutionMismatch.check(contextOf(deep));
    expect(finding?.node.location).toBe('node_modules/b');
    expect(finding?.detail).toMatchObject({ spec: '^2.0.0', declaredBy: { name: 'a', version: '1.0.0', isProject: false }, source: 'file' });
  });
});

describe('spec-resolution-mismatch: another package in the place of the one asked for', () => {
  const dependencies = { swapped: '^2.0.0', aliased: 'npm:real-pkg@^1.0.0', 'mis-aliased': 'npm:good-pkg@^1.0.0', overridden: '^1.0.0', ok: '^1.0.0' };
  // Each swapped entry as an attacker writes it: the name and tarball of another package under the folder asked for.
  const tree = lockTree(
    {
      'node_modules/swapped': registryEntry('evil-pkg', '2.0.0', { name: 'evil-pkg' }),
      'node_modules/aliased': registryEntry('real-pkg', '1.0.0', { name: 'real-pkg' }),
      'node_modules/mis-aliased': registryEntry('evil-pkg', '1.0.0', { name: 'evil-pkg' }),
      'node_modules/overridden': registryEntry('fork-pkg', '1.0.0', { name: 'fork-pkg' }),
      'node_modules/ok': registryEntry('ok', '1.0.0', { dependencies: { deep: '^1.0.0' } }),
      'node_modules/ok/node_modules/deep': registryEntry('evil-deep', '1.0.0', { name: 'evil-deep' }),
    },
    { dependencies },
  );

  it('is critical where a registry range or an alias installs a package of another name, at any depth', () => {
    expect(findingsOf(specResolutionMismatch, tree).filter(({ code }) => code === 'other-package')).toEqual([
      { location: 'node_modules/mis-aliased', code: 'other-package', severity: 'critical' },
      { location: 'node_modules/ok/node_modules/deep', code: 'other-package', severity: 'critical' },
      { location: 'node_modules/overridden', code: 'other-package', severity: 'critical' },
      { location: 'node_modules/swapped', code: 'other-package', severity: 'critical' },
    ]);
    expect(
      messageOf(specResolutionMismatch, {
        code: 'other-package',
        name: 'swapped',
        spec: '^2.0.0',
        declaredBy: { kind: 'project', name: 'app', asked: false } as never,
        installs: 'evil-pkg',
        version: '2.0.0',
      }),
    ).toContain('"swapped@^2.0.0", but the lockfile installs another package in its place: "evil-pkg@2.0.0"');
  });

  it('judges an edge by the spec the root overrides put in its place, as npm installs it', () => {
    const { overriddenSpecs } = overrideProblems(tree, { dependencies, overrides: { overridden: 'npm:fork-pkg@1.0.0' } });
    const overridden = findingsOf(specResolutionMismatch, { ...tree, overriddenSpecs }).filter(({ code }) => code === 'other-package');
    expect(overridden.map(({ location }) => location)).toEqual(['node_modules/mis-aliased', 'node_modules/ok/node_modules/deep', 'node_modules/swapped']);
  });
});
