import { describe, expect, it } from 'vitest';
import { gitDependency } from '../../src/rules/git-dependency.js';
import { contextOf, findingsOf, lockTree, type Expected } from '../support/tree.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const gitEntry = { version: '1.0.0', resolved: `git+ssh://git@github.com/user/repo.git#${SHA}` };

/** Every git form npm accepts, each as the root's only dependency `g`. */
const forms: { spec: string; severity: Expected['severity']; pin: string }[] = [
  { spec: `git+ssh://git@github.com/user/repo.git#${SHA}`, severity: 'medium', pin: 'commit' },
  { spec: 'git+https://github.com/user/repo.git', severity: 'high', pin: 'none' },
  { spec: 'git://github.com/user/repo.git#v1.0.0', severity: 'high', pin: 'ref' },
  { spec: 'github:user/repo#semver:^1.0.0', severity: 'high', pin: 'semver' },
  { spec: 'gitlab:user/repo', severity: 'high', pin: 'none' },
  { spec: 'bitbucket:user/repo#main', severity: 'high', pin: 'ref' },
  { spec: 'gist:11081aaa281', severity: 'high', pin: 'none' },
  { spec: 'user/repo', severity: 'high', pin: 'none' },
  { spec: `user/repo#${SHA}`, severity: 'medium', pin: 'commit' },
  { spec: 'git+ssh://git@git.example.test:team/repo.git#abc123', severity: 'high', pin: 'ref' },
];

describe('git-dependency', () => {
  it.each(forms)('$spec is a git dependency pinned by $pin', ({ spec, severity, pin }) => {
    const tree = lockTree({ 'node_modules/g': gitEntry }, { dependencies: { g: spec } });
    expect(findingsOf(gitDependency, tree)).toEqual([{ location: 'node_modules/g', code: 'git-dependency', severity }]);
    const [finding] = gitDependency.check(contextOf(tree));
    expect(finding?.detail.code === 'git-dependency' && finding.detail.pin.kind).toBe(pin);
  });

  it('registry, URL and file specs are not git dependencies', () => {
    const tree = lockTree(
      {
        'node_modules/a': { version: '1.0.0', resolved: 'https://registry.example.test/a/-/a-1.0.0.tgz' },
        'node_modules/u': { version: '1.0.0', resolved: 'https://x.example.test/u.tgz' },
        'node_modules/f': { version: '1.0.0', resolved: 'file:f.tgz' },
      },
      { dependencies: { a: '^1', u: 'https://x.example.test/u.tgz', f: 'file:f.tgz' } },
    );
    expect(findingsOf(gitDependency, tree)).toEqual([]);
  });

  it('a git dependency of a transitive package is reported once, on that package', () => {
    const tree = lockTree(
      {
        'node_modules/a': { version: '1.0.0', resolved: 'https://registry.example.test/a/-/a-1.0.0.tgz', dependencies: { g: 'user/repo' } },
        'node_modules/b': { version: '1.0.0', resolved: 'https://registry.example.test/b/-/b-1.0.0.tgz', dependencies: { g: 'user/repo#main' } },
        'node_modules/g': gitEntry,
      },
      { dependencies: { a: '^1', b: '^1' } },
    );
    expect(findingsOf(gitDependency, tree)).toEqual([{ location: 'node_modules/g', code: 'git-dependency', severity: 'high' }]);
  });
});
