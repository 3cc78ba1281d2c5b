import { describe, expect, it } from 'vitest';
import { missingIntegrity } from '../../src/rules/missing-integrity.js';
import { contextOf, findingsOf, lockTree } from '../support/tree.js';

describe('missing-integrity', () => {
  it('flags registry, URL and file tarballs without a parsable hash; git, links and bundled packages have none by design', () => {
    const tree = lockTree(
      {
        'node_modules/reg': { version: '1.0.0', resolved: 'https://registry.example.test/reg/-/reg-1.0.0.tgz' },
        'node_modules/noresolved': { version: '1.0.0' },
        'node_modules/url': { version: '1.0.0', resolved: 'https://files.example.test/url.tgz' },
        'node_modules/file': { version: '1.0.0', resolved: 'file:vendor/file.tgz' },
        'node_modules/garbled': { version: '1.0.0', resolved: 'https://registry.example.test/garbled/-/garbled-1.0.0.tgz', integrity: 'not-a-hash' },
        'node_modules/ok': { version: '1.0.0', resolved: 'https://registry.example.test/ok/-/ok-1.0.0.tgz', integrity: 'sha512-AAAA' },
        'node_modules/git': { version: '1.0.0', resolved: 'git+ssh://git@github.com/u/git.git#0123456789abcdef0123456789abcdef01234567' },
        'node_modules/ok/node_modules/bundled': { version: '1.0.0', inBundle: true },
        'packages/ws': { name: 'ws', version: '1.0.0' },
        'node_modules/ws': { resolved: 'packages/ws', link: true },
      },
      {
        dependencies: {
          reg: '^1',
          noresolved: '^1',
          url: 'https://files.example.test/url.tgz',
          file: 'file:vendor/file.tgz',
          garbled: '^1',
          ok: '^1',
          git: 'u/git',
        },
        workspaces: ['packages/*'],
      },
    );
    expect(findingsOf(missingIntegrity, tree)).toEqual(
      ['file', 'garbled', 'noresolved', 'reg', 'url'].map((name) => ({ location: `node_modules/${name}`, code: 'missing-integrity', severity: 'high' })),
    );
    const garbled = missingIntegrity.check(contextOf(tree)).find((f) => f.node.location === 'node_modules/garbled');
    expect(garbled?.detail).toMatchObject({ unparsable: 'not-a-hash' });
  });
});
